package sdkapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// endpoint is one REST operation. fn returns the value put under "results".
type endpoint struct {
	auth  bool // needs QISCUS-SDK-USER-ID and QISCUS-SDK-TOKEN
	noApp bool // served without the app id header (dev endpoints)
	fn    func(*httpapi.Call) (any, error)
}

func public(fn func(*httpapi.Call) (any, error)) endpoint { return endpoint{fn: fn} }
func authed(fn func(*httpapi.Call) (any, error)) endpoint { return endpoint{auth: true, fn: fn} }

// endpoints maps "METHOD name" to its handler. The same table serves
// /api/v2/sdk/ and /api/v2/mobile/.
func (s *API) endpoints() httpapi.Table[endpoint] {
	return httpapi.Table[endpoint]{
		"GET config":                      public(s.handleConfig),
		"POST login_or_register":          public(s.handleLoginOrRegister),
		"POST auth/nonce":                 public(s.handleNonce),
		"POST auth/verify_identity_token": public(s.handleVerifyIdentityToken),
		"POST refresh_user_token":         public(s.handleRefreshUserToken),
		"POST expire_user_token":          authed(s.handleExpireUserToken),
		"POST logout":                     public(s.handleLogout),
		"GET my_profile":                  authed(s.handleMyProfile),
		"PATCH my_profile":                authed(s.handleUpdateProfile),

		"POST get_or_create_room_with_target":    authed(s.handleGetOrCreateRoomWithTarget),
		"POST get_or_create_room_with_unique_id": authed(s.handleGetOrCreateRoomWithUniqueID),
		"POST create_room":                       authed(s.handleCreateRoom),
		"GET get_room_by_id":                     authed(s.handleGetRoomByID),
		"POST rooms_info":                        authed(s.handleRoomsInfo),
		"GET user_rooms":                         authed(s.handleUserRooms),
		"POST update_room":                       authed(s.handleUpdateRoom),
		"POST add_room_participants":             authed(s.handleAddRoomParticipants),
		"POST remove_room_participants":          authed(s.handleRemoveRoomParticipants),
		"GET room_participants":                  authed(s.handleRoomParticipants),
		"GET total_unread_count":                 authed(s.handleTotalUnreadCount),
		"GET get_room_unread_count":              authed(s.handleRoomUnreadCount),

		"POST post_comment":          authed(s.handlePostComment),
		"GET load_comments":          authed(s.handleLoadComments),
		"POST update_comment_status": authed(s.handleUpdateCommentStatus),
		"GET comment_receipt":        authed(s.handleCommentReceipt),
		"DELETE delete_messages":     authed(s.handleDeleteMessages),
		"DELETE clear_room_messages": authed(s.handleClearRoomMessages),
		"POST update_message":        authed(s.handleUpdateMessage),
		"POST search_messages":       authed(s.handleSearchMessages),
		"POST search":                authed(s.handleSearch),
		"POST file_list":             authed(s.handleFileList),
		"POST upload":                public(s.handleUpload), // authenticates itself: headers or a token field

		"POST block_user":               authed(s.handleBlockUser),
		"POST unblock_user":             authed(s.handleUnblockUser),
		"GET get_blocked_users":         authed(s.handleGetBlockedUsers),
		"GET get_user_list":             authed(s.handleGetUserList),
		"POST users/status":             authed(s.handleUsersStatus),
		"POST set_user_device_token":    authed(s.handleSetDeviceToken),
		"POST remove_user_device_token": authed(s.handleRemoveDeviceToken),

		"GET sync":       authed(s.handleSync),
		"GET sync_event": authed(s.handleSyncEvent),
	}
}

// EndpointAuth lists the endpoints, "METHOD name", each with whether it
// needs a user's credentials (tests walk the table).
func (s *API) EndpointAuth() map[string]bool {
	out := map[string]bool{}
	for k, ep := range s.endpoints() {
		out[k] = ep.auth
	}
	return out
}

// Handler serves the SDK API (/api/v2/sdk/ and /api/v2/mobile/).
func (s *API) Handler() http.Handler { return s.apiHandler(s.endpoints(), true) }

// DevHandler serves fns under /api/v2/dev/: endpoints that need no app id
// and answer no other origin.
func (s *API) DevHandler(fns map[string]func(*httpapi.Call) (any, error)) http.Handler {
	eps := httpapi.Table[endpoint]{}
	for k, fn := range fns {
		eps[k] = endpoint{noApp: true, fn: fn}
	}
	return s.apiHandler(eps, false)
}

// apiHandler serves an endpoint table. cors lets pages of any origin call it
// (the SDK API: its credentials are headers a page must already hold).
func (s *API) apiHandler(eps httpapi.Table[endpoint], cors bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cors {
			httpapi.SetCORS(w.Header(), r)
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		ep, err := eps.Lookup(r.Method, strings.Trim(r.URL.Path, "/"))
		var res any
		if err == nil {
			res, err = s.serve(r, ep)
		}
		httpapi.WriteResult(s.log, w, r, res, err)
	})
}

func (s *API) serve(r *http.Request, ep endpoint) (any, error) {
	if err := s.checkApp(r); err != nil && !ep.noApp {
		return nil, err
	}
	c := &httpapi.Call{Ctx: r.Context(), R: r, Now: time.Now()}
	if ep.auth {
		u, err := s.authenticate(c.Ctx, r, c.Now)
		if err != nil {
			return nil, err
		}
		c.User = u
	}
	p, err := httpapi.ParseParams(r)
	if err != nil {
		return nil, err
	}
	c.P = p
	return ep.fn(c)
}

func (s *API) checkApp(r *http.Request) error {
	switch id := httpapi.Header(r, "QISCUS-SDK-APP-ID"); id {
	case s.cfg.AppID:
		return nil
	case "":
		return apierr.New(apierr.ErrUnauthorized, "missing app id: send the QISCUS-SDK-APP-ID header")
	default:
		return apierr.New(apierr.ErrForbidden, "unknown app id %q (this server serves %q)", id, s.cfg.AppID)
	}
}

func (s *API) authenticate(ctx context.Context, r *http.Request, now time.Time) (store.User, error) {
	id, token := httpapi.Header(r, "QISCUS-SDK-USER-ID"), httpapi.Header(r, "QISCUS-SDK-TOKEN")
	switch {
	case token == "":
		return store.User{}, apierr.New(apierr.ErrUnauthorized, "missing token: send the QISCUS-SDK-TOKEN header")
	case id == "":
		return store.User{}, apierr.New(apierr.ErrUnauthorized, "missing user id: send the QISCUS-SDK-USER-ID header")
	}
	return s.reads.Authenticate(ctx, id, token, now)
}
