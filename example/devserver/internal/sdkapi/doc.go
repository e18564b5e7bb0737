// Package sdkapi is the SDK REST API the v2 clients call, under
// /api/v2/sdk/ and /api/v2/mobile/ (one endpoint table, api.go), plus
// uploads and the /files/ they are served from.
//
// Each handler decodes a request (httpapi.Params), checks the caller's
// access, changes the chat through the httpapi.Chat interfaces (the
// chat.Service) or reads it through httpapi.Reads (the store), and renders
// the v2 JSON of package wire. It holds no state of the chat itself.
package sdkapi
