package serverapi

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// The server API ("REST API" in the Qiscus docs): /api/v2/rest/<endpoint>,
// authenticated by the app secret in the QISCUS_SDK_SECRET header. The same table
// is also served under /api/v2.1/rest/, the base of Qiscus's newer message API
// docs (post_comment with user_id, load_comments with page).

// restEndpoints maps "METHOD name" to its handler. Exports by id are routed in
// restAPIHandler (their names carry the id).
func (s *API) restEndpoints() httpapi.Table[func(*httpapi.Call) (any, error)] {
	return httpapi.Table[func(*httpapi.Call) (any, error)]{
		// users
		"POST login_or_register": s.handleRESTLoginOrRegister,
		"GET user_profile":       s.handleRESTUserProfile,
		"POST reset_user_token":  s.handleRESTResetUserToken,
		// rooms
		"GET get_user_rooms":                 s.handleRESTGetUserRooms,
		"POST create_room":                   s.handleRESTCreateRoom,
		"POST update_room":                   s.handleRESTUpdateRoom,
		"GET get_or_create_room_with_target": s.handleRESTGetOrCreateRoomWithTarget,
		"POST get_rooms_info":                s.handleRESTGetRoomsInfo,
		"POST add_room_participants":         s.handleRESTAddRoomParticipants,
		"POST remove_room_participants":      s.handleRESTRemoveRoomParticipants,
		// messages
		"POST post_comment":              s.handleRESTPostComment,
		"GET load_comments":              s.handleRESTLoadComments,
		"POST post_system_event_message": s.handleRESTPostSystemEvent,
		"POST search_messages":           s.handleRESTSearchMessages,
	}
}

// restAliases are extra spellings of endpoints: the Qiscus docs show
// get_or_create_room_with_target as a GET while the SDK API has it as a POST,
// and get_rooms_info as a POST though it only reads.
var restAliases = map[string]string{
	"POST get_or_create_room_with_target": "GET get_or_create_room_with_target",
	"GET get_rooms_info":                  "POST get_rooms_info",
	"GET search_messages":                 "POST search_messages",
}

func (s *API) Handler() http.Handler {
	eps := s.restEndpoints()
	for k, fn := range s.backup.Endpoints() {
		eps[k] = fn
	}
	for alias, target := range restAliases {
		eps[alias] = eps[target]
	}
	// No CORS: the server API is for app backends. A browser page of another
	// origin gets no grant to call it (with a secret it should never hold).
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(r.URL.Path, "/")
		// exports/{id}/download is a capability URL (like the cloud storage
		// links Qiscus hands out): the random id is the credential.
		if id, ok := strings.CutSuffix(name, "/download"); ok && strings.HasPrefix(id, "exports/") &&
			(r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.backup.ServeDownload(w, r, strings.TrimPrefix(id, "exports/"))
			return
		}
		var pathID string
		for _, res := range []string{"exports/", "imports/"} {
			if rest, ok := strings.CutPrefix(name, res); ok && rest != "" && !strings.Contains(rest, "/") {
				name, pathID = res+":id", rest
			}
		}
		fn, err := eps.Lookup(r.Method, name)
		var res any
		if err == nil {
			res, err = s.serveREST(r, fn, pathID)
		}
		httpapi.WriteResult(s.log, w, r, res, err)
	})
}

func (s *API) serveREST(r *http.Request, fn func(*httpapi.Call) (any, error), pathID string) (any, error) {
	if err := s.checkSecret(r); err != nil {
		return nil, err
	}
	c := &httpapi.Call{Ctx: r.Context(), R: r, Now: time.Now()}
	var p httpapi.Params
	var err error
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		p, err = httpapi.ParseForm(r.URL.RawQuery) // the body is the endpoint's to read (imports)
	} else {
		p, err = httpapi.ParseParams(r)
	}
	if err != nil {
		return nil, err
	}
	if pathID != "" {
		p.Set(":id", pathID)
	}
	c.P = p
	return fn(c)
}

// checkSecret authenticates a server API request: QISCUS_SDK_SECRET (any
// spelling: QISCUS-SDK-SECRET, qiscus_sdk_secret, …) must be the app secret. An
// app id header is optional, but must name this app when sent.
func (s *API) checkSecret(r *http.Request) error {
	if s.cfg.Secret == "" {
		return apierr.New(apierr.ErrUnauthorized, "the server API is disabled: the server has no app secret (-secret)")
	}
	got := httpapi.Header(r, "QISCUS-SDK-SECRET")
	if got == "" {
		return apierr.New(apierr.ErrUnauthorized, "missing app secret: send the QISCUS_SDK_SECRET header")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Secret)) != 1 {
		return apierr.New(apierr.ErrUnauthorized, "invalid app secret")
	}
	if id := httpapi.Header(r, "QISCUS-SDK-APP-ID"); id != "" && id != s.cfg.AppID {
		return apierr.New(apierr.ErrUnauthorized, "unknown app id %q (this server serves %q)", id, s.cfg.AppID)
	}
	return nil
}

// --- parameter helpers shared by the server API handlers ---

// restUser looks up a user by the id (email) given in parameter k.
func (s *API) restUser(ctx context.Context, p httpapi.Params, k string) (store.User, error) {
	id, err := p.RequireString(k)
	if err != nil {
		return store.User{}, err
	}
	u, err := s.reads.UserByID(ctx, id)
	if err != nil {
		return store.User{}, fmt.Errorf("%s: %w", k, err)
	}
	return u, nil
}

// restUsers looks up every user id, reporting all the unknown ones at once.
func (s *API) restUsers(ctx context.Context, ids []string) ([]store.User, error) {
	out := make([]store.User, 0, len(ids))
	var missing []string
	for _, id := range ids {
		u, err := s.reads.UserByID(ctx, id)
		if errors.Is(err, apierr.ErrUserNotFound) {
			missing = append(missing, strconv.Quote(id))
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %s", apierr.ErrUserNotFound, strings.Join(missing, ", "))
	}
	return out, nil
}

// restRoom resolves a room reference: a numeric room id, or a room unique id.
func (s *API) restRoom(ctx context.Context, ref string) (*store.RoomDetail, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, apierr.BadRequest("room_id is required")
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		d, err := s.reads.RoomDetail(ctx, id)
		if !errors.Is(err, apierr.ErrRoomNotFound) {
			return d, err
		}
	}
	r, err := s.reads.RoomByUniqueID(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("%w (room_id %q is neither a room id nor a room unique id)", apierr.ErrRoomNotFound, ref)
	}
	return s.reads.RoomDetail(ctx, r.ID)
}

func (s *API) restRoomParam(ctx context.Context, p httpapi.Params, k string) (*store.RoomDetail, error) {
	ref, err := p.RequireString(k)
	if err != nil {
		return nil, err
	}
	return s.restRoom(ctx, ref)
}

func requireGroup(d *store.RoomDetail) error {
	if d.ChatType == "single" {
		return apierr.BadRequest("room %d is a single room; this needs a group room", d.ID)
	}
	return nil
}
