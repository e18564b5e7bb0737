//go:build js && wasm

package main

import "github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"

var messageMethods = []method{
	{"sendComment", v2(v2compat.SendComment), false},
	{"loadComments", v2(v2compat.LoadComments), false},
	{"loadMore", v2(v2compat.LoadMore), false},
	{"readComment", v2(v2compat.ReadComment), false},
	{"receiveComment", v2(v2compat.ReceiveComment), false},
	{"deleteComment", v2(v2compat.DeleteComment), false},
	{"updateMessage", v2(v2compat.UpdateMessage), false},
	{"resendComment", v2(v2compat.ResendComment), false},
	{"searchMessages", v2(v2compat.SearchMessages), false},
	{"searchMessage", v2(v2compat.SearchMessage), false},
	{"getFileList", v2(v2compat.GetFileList), false},
	{"generateMessage", v2(v2compat.GenerateMessage), true},
	{"generateFileAttachmentMessage", v2(v2compat.GenerateFileAttachmentMessage), true},
	{"generateCustomMessage", v2(v2compat.GenerateCustomMessage), true},
	{"generateReplyMessage", v2(v2compat.GenerateReplyMessage), true},
	{"getThumbnailURL", v2(v2compat.GetThumbnailURL), true},
	{"getBlurryThumbnailURL", v2(v2compat.GetBlurryThumbnailURL), true},
}
