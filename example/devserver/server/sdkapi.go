package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"

	json "github.com/goccy/go-json"
)

// endpoint is one REST operation. fn returns the value put under "results".
type endpoint struct {
	auth  bool // needs QISCUS-SDK-USER-ID and QISCUS-SDK-TOKEN
	noApp bool // served without the app id header (dev endpoints)
	fn    func(*call) (any, error)
}

func public(fn func(*call) (any, error)) endpoint { return endpoint{fn: fn} }
func authed(fn func(*call) (any, error)) endpoint { return endpoint{auth: true, fn: fn} }

// call is one REST request being served.
type call struct {
	ctx  context.Context
	r    *http.Request
	p    params
	user store.User // the caller, for endpoints with auth
	now  time.Time
}

// rawBody is written as the whole response body instead of {status, results}
// (sync_event has no results wrapper).
type rawBody struct{ v any }

// endpoints maps "METHOD name" to its handler. The same table serves
// /api/v2/sdk/ and /api/v2/mobile/.
func (s *Server) endpoints() map[string]endpoint {
	return map[string]endpoint{
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

// devEndpoints are served under /api/v2/dev/: helpers for tests that no
// Qiscus server has, each behind its own flag (Config.DevIdentityEndpoint
// mints credentials for anyone; Config.TestHooks cuts every MQTT link). Both
// are off by default and never answer other origins.
func (s *Server) devEndpoints() map[string]endpoint {
	eps := map[string]endpoint{}
	if s.cfg.DevIdentityEndpoint {
		eps["POST identity_token"] = endpoint{noApp: true, fn: s.handleDevIdentityToken}
	}
	if s.cfg.TestHooks {
		eps["POST disconnect_mqtt"] = endpoint{noApp: true, fn: s.handleDevDisconnectMQTT}
	}
	return eps
}

// apiHandler serves an endpoint table. cors lets pages of any origin call it
// (the SDK API: its credentials are headers a page must already hold).
func (s *Server) apiHandler(eps map[string]endpoint, cors bool) http.Handler {
	known := map[string]bool{}
	for k := range eps {
		_, name, _ := strings.Cut(k, " ")
		known[name] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cors {
			setCORS(w.Header(), r)
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		name := strings.Trim(r.URL.Path, "/")
		ep, ok := eps[r.Method+" "+name]
		switch {
		case !ok && known[name]:
			s.writeError(w, r, &APIError{Status: http.StatusMethodNotAllowed,
				Message: "method " + r.Method + " not allowed for " + name, Kind: ErrBadRequest})
		case !ok:
			s.writeError(w, r, apiError(ErrNotFound, "unknown endpoint %q", name))
		default:
			res, err := s.serve(r, ep)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			if raw, ok := res.(rawBody); ok {
				s.writeJSON(w, http.StatusOK, raw.v)
				return
			}
			s.writeJSON(w, http.StatusOK, struct {
				Status  int `json:"status"`
				Results any `json:"results"`
			}{http.StatusOK, res})
		}
	})
}

func (s *Server) serve(r *http.Request, ep endpoint) (any, error) {
	if err := s.checkApp(r); err != nil && !ep.noApp {
		return nil, err
	}
	c := &call{ctx: r.Context(), r: r, now: time.Now()}
	if ep.auth {
		u, err := s.authenticate(c.ctx, r, c.now)
		if err != nil {
			return nil, err
		}
		c.user = u
	}
	p, err := parseParams(r)
	if err != nil {
		return nil, err
	}
	c.p = p
	return ep.fn(c)
}

func (s *Server) checkApp(r *http.Request) error {
	switch id := header(r, "QISCUS-SDK-APP-ID"); id {
	case s.cfg.AppID:
		return nil
	case "":
		return apiError(ErrUnauthorized, "missing app id: send the QISCUS-SDK-APP-ID header")
	default:
		return apiError(ErrForbidden, "unknown app id %q (this server serves %q)", id, s.cfg.AppID)
	}
}

func (s *Server) authenticate(ctx context.Context, r *http.Request, now time.Time) (store.User, error) {
	id, token := header(r, "QISCUS-SDK-USER-ID"), header(r, "QISCUS-SDK-TOKEN")
	switch {
	case token == "":
		return store.User{}, apiError(ErrUnauthorized, "missing token: send the QISCUS-SDK-TOKEN header")
	case id == "":
		return store.User{}, apiError(ErrUnauthorized, "missing user id: send the QISCUS-SDK-USER-ID header")
	}
	return s.reads.Authenticate(ctx, id, token, now)
}

// header reads a Qiscus header in either spelling, QISCUS-SDK-APP-ID or
// qiscus_sdk_app_id, in any case. Header.Get only finds the hyphenated one.
func header(r *http.Request, name string) string {
	if v := r.Header.Get(name); v != "" {
		return v
	}
	for k, vs := range r.Header {
		if len(vs) > 0 && strings.EqualFold(strings.ReplaceAll(k, "_", "-"), name) {
			return vs[0]
		}
	}
	return ""
}

const defaultAllowHeaders = "Content-Type, QISCUS-SDK-APP-ID, QISCUS-SDK-USER-ID, QISCUS-SDK-TOKEN, " +
	"QISCUS-SDK-VERSION, QISCUS-SDK-PLATFORM, qiscus_sdk_app_id, qiscus_sdk_user_id, qiscus_sdk_token, qiscus_sdk_version"

// setCORS lets pages on any origin call the API, with any custom header
// (setCustomHeader): the preflight's requested headers are echoed back.
func setCORS(h http.Header, r *http.Request) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS")
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	} else {
		h.Set("Access-Control-Allow-Headers", defaultAllowHeaders)
	}
	h.Set("Access-Control-Max-Age", "86400")
	h.Add("Vary", "Access-Control-Request-Headers")
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode response", "err", err)
		status, body = http.StatusInternalServerError, []byte(`{"status":500,"error":{"message":"internal server error"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError writes {"status": code, "error": {"message": ...}} with the same HTTP status.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := errorResponse(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	} else {
		s.log.Debug("request refused", "path", r.URL.Path, "status", status, "err", err)
	}
	type errorJSON struct {
		Message string `json:"message"`
	}
	s.writeJSON(w, status, struct {
		Status int       `json:"status"`
		Error  errorJSON `json:"error"`
	}{status, errorJSON{msg}})
}
