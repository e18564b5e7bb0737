package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/idtoken"
)

func TestNonce(t *testing.T) {
	e := newEnv(t)
	for _, prefix := range []string{"/api/v2/sdk/", "/api/v2/mobile/"} {
		// The v2 client sends only the underscore headers here.
		r := e.do(http.MethodPost, prefix+"auth/nonce", map[string]string{"qiscus_sdk_app_id": "dev", "qiscus_sdk_version": "WEB_2.16.9"}, "", "")
		mustStatus(t, r, 200)
		if len(r.str("results.nonce")) < 16 {
			t.Errorf("nonce %q too short", r.str("results.nonce"))
		}
		exp := time.Unix(r.num("results.expired_at"), 0)
		if d := time.Until(exp); d < 9*time.Minute || d > 10*time.Minute+time.Second {
			t.Errorf("expired_at %s is %s away, want 10 minutes", exp, d)
		}
	}
	if a, b := e.nonce(), e.nonce(); a == b {
		t.Error("two nonces are equal")
	}
	checkError(t, e.do(http.MethodPost, "/api/v2/sdk/auth/nonce", nil, "", ""), 401, "missing app id")
	checkError(t, e.do(http.MethodGet, "/api/v2/sdk/auth/nonce", appHeaders(), "", ""), 405, "not allowed")
}

// verify posts an identity token the way the v2 client does.
func (e *testEnv) verify(token string) resp {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/v2/sdk/auth/verify_identity_token",
		map[string]string{"qiscus_sdk_app_id": "dev", "qiscus_sdk_version": "WEB_2.16.9"},
		"application/json", fmt.Sprintf(`{"identity_token":%q}`, token))
}

func TestVerifyIdentityToken(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = time.Hour })
	nonce := e.nonce()
	tok, err := SignIdentityToken("dev-secret", "dev", nonce, "jwt-user", "Jay", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r := e.verify(tok)
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.identity_token", tok}, {"results.user.email", "jwt-user"}, {"results.user.username", "Jay"},
		{"results.user.id_str", fmt.Sprint(r.num("results.user.id"))}, {"results.user.avatar_url", ""},
		{"results.user.last_comment_id", 0}, {"results.user.last_sync_event_id", 0}, {"results.user.app.code", "dev"},
	})
	for _, k := range []string{"token", "refresh_token", "token_expires_at", "rtKey"} {
		if r.str("results.user."+k) == "" {
			t.Errorf("results.user.%s is empty: %s", k, r.raw)
		}
	}
	u := &testUser{ID: "jwt-user", Token: r.str("results.user.token")}
	mustStatus(t, e.get("my_profile", u), 200)

	t.Run("nonce reuse", func(t *testing.T) {
		e := e.in(t)
		checkError(t, e.verify(tok), 401, "already used")
	})
	t.Run("existing user is updated and keeps the token", func(t *testing.T) {
		e := e.in(t)
		now := time.Now().Unix()
		tok, err := idtoken.SignJWT("dev-secret", map[string]string{"alg": "HS256", "typ": "JWT", "ver": "v2"}, idtoken.Claims{
			Iss: "dev", Iat: now, Nbf: now, Exp: now + 60, Nce: e.nonce(), Prn: "jwt-user",
			Name: "Jay 2", AvatarURL: "http://a/j.png", Extras: []byte(`{"tier":"gold"}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		r := e.verify(tok)
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{
			{"results.user.username", "Jay 2"}, {"results.user.avatar_url", "http://a/j.png"},
			{"results.user.extras.tier", "gold"}, {"results.user.token", u.Token},
		})
	})
	t.Run("a failed token does not burn the nonce", func(t *testing.T) {
		e := e.in(t)
		n := e.nonce()
		bad, _ := SignIdentityToken("wrong", "dev", n, "x", "", 0)
		checkError(t, e.verify(bad), 401, "signature")
		good, _ := SignIdentityToken("dev-secret", "dev", n, "x", "", 0)
		mustStatus(t, e.verify(good), 200)
	})

	now := time.Now().Unix()
	hs := map[string]string{"alg": "HS256", "typ": "JWT"}
	claims := func(mod func(*idtoken.Claims)) idtoken.Claims {
		c := idtoken.Claims{Iss: "dev", Iat: now, Nbf: now, Exp: now + 60, Nce: e.nonce(), Prn: "someone"}
		if mod != nil {
			mod(&c)
		}
		return c
	}
	sign := func(secret string, header any, c any) string {
		s, err := idtoken.SignJWT(secret, header, c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	expiredNonce := e.nonce()
	if _, err := e.s.store.DB.Exec("UPDATE nonces SET expires_at = ? WHERE nonce = ?", time.Now().Add(-time.Second).UnixNano(), expiredNonce); err != nil {
		t.Fatal(err)
	}
	valid := sign("dev-secret", hs, claims(nil))
	parts := strings.Split(valid, ".")
	errs := []struct {
		name, token string
		status      int
		msg         string
	}{
		{"bad signature", sign("other-secret", hs, claims(nil)), 401, "signature is invalid"},
		{"tampered claims", parts[0] + "." + strings.Split(sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Prn = "admin" })), ".")[1] + "." + parts[2], 401, "signature is invalid"},
		{"wrong iss", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Iss = "other-app" })), 401, `iss "other-app" is not this app`},
		{"expired", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Exp = now - 10 })), 401, "identity token expired at"},
		{"not yet valid", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Nbf = now + 3600 })), 401, "not valid before"},
		{"no exp", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Exp = 0 })), 400, "no exp claim"},
		{"no prn", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Prn = "" })), 400, "no prn claim"},
		{"bad prn", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Prn = "a/b" })), 400, "prn"},
		{"no nonce", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Nce = "" })), 400, "no nce claim"},
		{"unknown nonce", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Nce = "NOPE" })), 401, `nonce "NOPE" is unknown`},
		{"expired nonce", sign("dev-secret", hs, claims(func(c *idtoken.Claims) { c.Nce = expiredNonce })), 401, "expired at"},
		{"alg none", sign("dev-secret", map[string]string{"alg": "none"}, claims(nil)), 401, "alg must be HS256"},
		{"alg HS512", sign("dev-secret", map[string]string{"alg": "HS512"}, claims(nil)), 401, "alg must be HS256"},
		{"typ not JWT", sign("dev-secret", map[string]string{"alg": "HS256", "typ": "JWE"}, claims(nil)), 400, "typ must be JWT"},
		{"ver not v2", sign("dev-secret", map[string]string{"alg": "HS256", "ver": "v1"}, claims(nil)), 400, "ver must be v2"},
		{"exp as string", sign("dev-secret", hs, map[string]any{"iss": "dev", "exp": "soon", "nce": "x", "prn": "y"}), 400, "claim exp must be a number"},
		{"extras not an object", sign("dev-secret", hs, map[string]any{"iss": "dev", "exp": now + 60, "nce": "x", "prn": "y", "extras": "[]"}), 400, "extras must be a JSON object"},
		{"not a JWT", "abc.def", 400, "not a JWT"},
		{"bad base64", "!!!.e30.e30", 400, "not base64url"},
		{"header not JSON", "bm9wZQ.e30.e30", 400, "header is not a JSON object"},
		{"empty", "", 400, "identity_token is required"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.verify(tt.token), tt.status, tt.msg)
		})
	}
	t.Run("form body", func(t *testing.T) {
		e := e.in(t)
		tok, _ := SignIdentityToken("dev-secret", "dev", e.nonce(), "form-user", "", 0)
		r := e.do(http.MethodPost, "/api/v2/mobile/auth/verify_identity_token", appHeaders(), formType, "identity_token="+tok)
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.user.email", "form-user"}, {"results.user.username", "form-user"}})
	})
	t.Run("no secret configured", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Secret = "" })
		checkError(t, e.verify(valid), 403, "no app secret")
	})
}

func TestSignIdentityTokenArgs(t *testing.T) {
	for _, args := range [][4]string{{"", "dev", "n", "u"}, {"s", "", "n", "u"}, {"s", "dev", "", "u"}, {"s", "dev", "n", ""}} {
		if _, err := SignIdentityToken(args[0], args[1], args[2], args[3], "", 0); err == nil {
			t.Errorf("SignIdentityToken%q: want error", args)
		}
	}
	tok, err := SignIdentityToken("s", "dev", "n", "u", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := idtoken.Parse("s", "dev", tok, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(time.Unix(cl.Exp, 0)); d < time.Minute || d > 2*time.Minute {
		t.Errorf("default lifetime %s, want 2 minutes", d)
	}
}

func TestDevIdentityToken(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.DevIdentityEndpoint = true })
	// No app id header needed: browser tests call it with a plain form post.
	r := e.do(http.MethodPost, "/api/v2/dev/identity_token", nil, formType,
		url.Values{"nonce": {e.nonce()}, "user_id": {"dev-user"}, "name": {"Dev User"}}.Encode())
	mustStatus(t, r, 200)
	v := e.verify(r.str("results.identity_token"))
	mustStatus(t, v, 200)
	checkFields(t, v, []fieldWant{{"results.user.email", "dev-user"}, {"results.user.username", "Dev User"}})

	errs := []struct{ name, body, msg string }{
		{"missing nonce", "user_id=x", "nonce is required"},
		{"missing user", "nonce=abc", "user_id is required"},
		{"bad user", "nonce=abc&user_id=a%2Bb", "user_id"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.do(http.MethodPost, "/api/v2/dev/identity_token", nil, formType, tt.body), 400, tt.msg)
		})
	}
	checkError(t, e.do(http.MethodGet, "/api/v2/dev/identity_token", nil, "", ""), 405, "not allowed")
	checkError(t, e.do(http.MethodPost, "/api/v2/dev/nope", nil, "", ""), 404, "unknown endpoint")
}

func TestRefreshUserToken(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = time.Hour })
	r := e.form("login_or_register", nil, "email=alice&password=pw&username=Alice")
	mustStatus(t, r, 200)
	alice := &testUser{ID: "alice", Token: r.str("results.user.token")}
	refresh := r.str("results.user.refresh_token")

	// Expire the token (as time would), then refresh with it still in the headers.
	if _, err := e.s.store.DB.Exec("UPDATE users SET token_expires_at = ? WHERE email = 'alice'", time.Now().Add(-time.Second).UnixNano()); err != nil {
		t.Fatal(err)
	}
	exp := e.get("sync", alice)
	checkError(t, exp, 403, "Unauthorized. Token is expired")

	r = e.form("refresh_user_token", alice, url.Values{"user_id": {"alice"}, "refresh_token": {refresh}}.Encode())
	mustStatus(t, r, 200)
	fresh := &testUser{ID: "alice", Token: r.str("results.token")}
	if fresh.Token == "" || fresh.Token == alice.Token {
		t.Fatalf("token %q after refresh (was %q)", fresh.Token, alice.Token)
	}
	newRefresh := r.str("results.refresh_token")
	if newRefresh == "" || newRefresh == refresh {
		t.Errorf("refresh token not rotated: %q", newRefresh)
	}
	if at, err := time.Parse(time.RFC3339, r.str("results.token_expires_at")); err != nil || time.Until(at) < 59*time.Minute {
		t.Errorf("token_expires_at %q (%v)", r.str("results.token_expires_at"), err)
	}
	mustStatus(t, e.get("sync", fresh), 200)
	checkError(t, e.get("sync", alice), 401, "invalid user id or token")
	if got := e.get("my_profile", fresh); got.str("results.user.refresh_token") != newRefresh {
		t.Errorf("profile refresh_token %q, want %q", got.str("results.user.refresh_token"), newRefresh)
	}

	errs := []struct {
		name, body string
		status     int
		msg        string
	}{
		{"old refresh token", "user_id=alice&refresh_token=" + refresh, 401, "invalid refresh token"},
		{"wrong refresh token", "user_id=alice&refresh_token=NOPE", 401, "invalid refresh token"},
		{"someone else's refresh token", "user_id=bob&refresh_token=" + newRefresh, 401, "invalid refresh token"},
		{"unknown user", "user_id=nobody&refresh_token=x", 404, "user not found"},
		{"missing user id", "refresh_token=x", 400, "user_id is required"},
		{"missing refresh token", "user_id=alice", 400, "refresh_token is required"},
	}
	e.login("bob", "Bob")
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.form("refresh_user_token", nil, tt.body), tt.status, tt.msg)
		})
	}
	t.Run("tokens that never expire", func(t *testing.T) {
		e := newEnv(t)
		r := e.form("login_or_register", nil, "email=carol&password=pw")
		r = e.form("refresh_user_token", nil, "user_id=carol&refresh_token="+r.str("results.user.refresh_token"))
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.token_expires_at", ""}})
	})
}

func TestExpireUserToken(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	e.login("bob", "Bob")
	checkError(t, e.form("expire_user_token", alice, "user_id=bob"), 403, `user_id "bob" is not the caller`)
	r := e.form("expire_user_token", alice, "user_id=alice")
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{{"results.changed", true}})
	if _, err := time.Parse(time.RFC3339, r.str("results.token_expires_at")); err != nil {
		t.Errorf("token_expires_at: %v", err)
	}
	checkError(t, e.get("sync", alice), 403, "Unauthorized. Token is expired")
	checkError(t, e.form("expire_user_token", nil, ""), 401, "missing token")
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	for _, u := range []*testUser{alice, nil, {ID: "alice", Token: "STALE"}} {
		r := e.form("logout", u, url.Values{"user_id": {"alice"}, "token": {alice.Token}}.Encode())
		mustStatus(t, r, 200)
		if m, ok := r.get("results").(map[string]any); !ok || len(m) != 0 {
			t.Errorf("results = %#v, want {}", r.get("results"))
		}
	}
	mustStatus(t, e.get("sync", alice), 200) // nothing was invalidated
	checkError(t, e.do(http.MethodPost, "/api/v2/sdk/logout", nil, formType, ""), 401, "missing app id")
}

func TestMyProfile(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = time.Hour })
	alice := e.login("alice", "Alice")
	r := e.get("my_profile", alice)
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.user.email", "alice"}, {"results.user.username", "Alice"}, {"results.user.token", alice.Token},
		{"results.user.id", int(alice.PK)}, {"results.user.app.code", "dev"}, {"results.user.pn_android_configured", false},
	})
	if r.str("results.user.refresh_token") == "" || r.str("results.user.token_expires_at") == "" {
		t.Errorf("profile without refresh_token or token_expires_at: %s", r.raw)
	}

	steps := []struct {
		name, body string
		want       []fieldWant
	}{
		{"name", "name=Alice%20A", []fieldWant{{"results.user.username", "Alice A"}, {"results.user.avatar_url", ""}}},
		{"avatar and extras", "avatar_url=http%3A%2F%2Fa%2Fa.png&extras=%7B%22k%22%3A1%7D",
			[]fieldWant{{"results.user.username", "Alice A"}, {"results.user.avatar_url", "http://a/a.png"},
				{"results.user.avatar.avatar.url", "http://a/a.png"}, {"results.user.extras.k", 1}}},
		{"nulls keep everything", "name&avatar_url&extras",
			[]fieldWant{{"results.user.username", "Alice A"}, {"results.user.avatar_url", "http://a/a.png"}, {"results.user.extras.k", 1}}},
		{"qs nulls keep everything", "name=&avatar_url=&extras=",
			[]fieldWant{{"results.user.username", "Alice A"}, {"results.user.extras.k", 1}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e := e.in(t)
			r := e.send(http.MethodPatch, "my_profile", alice, formType, st.body)
			mustStatus(t, r, 200)
			checkFields(t, r, append(st.want, fieldWant{"results.user.token", alice.Token}, fieldWant{"results.user.email", "alice"}))
		})
	}
	t.Run("json body", func(t *testing.T) {
		e := e.in(t)
		r := e.sendJSON(http.MethodPatch, "my_profile", alice, map[string]any{"name": "J", "extras": `{"j":true}`})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.user.username", "J"}, {"results.user.extras.j", true}})
	})
	errs := []struct {
		name, body string
		msg        string
	}{
		{"extras not JSON", "extras=%7Bx", "extras must be valid JSON"},
		{"extras not an object", "extras=%5B%5D", "extras must be a JSON object"},
		{"name too long", "name=" + strings.Repeat("n", 256), "name is too long"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.send(http.MethodPatch, "my_profile", alice, formType, tt.body), 400, tt.msg)
		})
	}
	checkError(t, e.get("my_profile", nil), 401, "missing token")
	checkError(t, e.get("my_profile", &testUser{ID: "alice", Token: "NOPE"}), 401, "invalid user id or token")
	checkError(t, e.send(http.MethodPut, "my_profile", alice, formType, ""), 405, "not allowed")
}

func TestLoginLastSyncEventID(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	e.login("carol", "Carol")
	roomID := e.chat(alice, bob)
	id := e.mustPost(alice, roomID, "hi").num("results.comment.id")
	mustStatus(t, e.form("update_comment_status", bob, fmt.Sprint("room_id=", roomID, "&last_comment_read_id=", id)), 200)
	var last int64
	if err := e.s.store.DB.QueryRow("SELECT MAX(id) FROM events").Scan(&last); err != nil || last == 0 {
		t.Fatalf("no event recorded (%v)", err)
	}
	for _, tc := range []struct {
		id   string
		want int64
	}{{"alice", last}, {"bob", last}, {"carol", 0}} {
		r := e.form("login_or_register", nil, "email="+tc.id+"&password=pw-"+tc.id)
		mustStatus(t, r, 200)
		if got := r.num("results.user.last_sync_event_id"); got != tc.want {
			t.Errorf("%s: last_sync_event_id %d, want %d", tc.id, got, tc.want)
		}
	}
}
