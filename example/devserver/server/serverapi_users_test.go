package server

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"
)

func TestRESTAuth(t *testing.T) {
	e := newEnv(t)
	profile := "/api/v2/rest/user_profile?user_email=nobody"
	tests := []struct {
		name   string
		path   string
		hdr    map[string]string
		status int
		msg    string
	}{
		// A valid secret reaches the handler, which answers 404 for the unknown user.
		{"underscore header", profile, map[string]string{"QISCUS_SDK_SECRET": "dev-secret"}, 404, "user not found"},
		{"hyphen header", profile, map[string]string{"QISCUS-SDK-SECRET": "dev-secret"}, 404, "user not found"},
		{"lower case", profile, map[string]string{"qiscus_sdk_secret": "dev-secret"}, 404, "user not found"},
		{"mixed case and spellings", profile, map[string]string{"Qiscus-Sdk_Secret": "dev-secret"}, 404, "user not found"},
		{"with the right app id", profile, map[string]string{"QISCUS_SDK_SECRET": "dev-secret", "QISCUS_SDK_APP_ID": "dev"}, 404, "user not found"},
		{"v2.1 prefix", "/api/v2.1/rest/user_profile?user_email=nobody", map[string]string{"QISCUS-SDK-SECRET": "dev-secret", "QISCUS-SDK-APP-ID": "dev"}, 404, "user not found"},
		{"missing secret", profile, map[string]string{"QISCUS_SDK_APP_ID": "dev"}, 401, "missing app secret"},
		{"wrong secret", profile, map[string]string{"QISCUS_SDK_SECRET": "nope"}, 401, "invalid app secret"},
		{"secret of another case", profile, map[string]string{"QISCUS_SDK_SECRET": "DEV-SECRET"}, 401, "invalid app secret"},
		{"wrong app id", profile, map[string]string{"QISCUS_SDK_SECRET": "dev-secret", "QISCUS_SDK_APP_ID": "other"}, 401, `unknown app id "other"`},
		{"SDK headers are not enough", profile, map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-TOKEN": "x", "QISCUS-SDK-USER-ID": "x"}, 401, "missing app secret"},
		{"unknown endpoint", "/api/v2/rest/nope", restHeaders(), 404, `unknown endpoint "nope"`},
		{"unknown export", "/api/v2/rest/exports/nope", restHeaders(), 404, "export not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			checkError(t, e.do(http.MethodGet, tt.path, tt.hdr, "", ""), tt.status, tt.msg)
		})
	}
	t.Run("wrong method", func(t *testing.T) {
		e := e.in(t)
		checkError(t, e.do(http.MethodGet, "/api/v2/rest/post_comment", restHeaders(), "", ""), 405, "not allowed")
	})
	t.Run("no CORS preflight grant: the API is for backends", func(t *testing.T) {
		e := e.in(t)
		r := e.do(http.MethodOptions, "/api/v2/rest/post_comment", map[string]string{
			"Origin": "http://localhost:5173", "Access-Control-Request-Headers": "qiscus_sdk_secret"}, "", "")
		if r.header.Get("Access-Control-Allow-Origin") != "" || r.header.Get("Access-Control-Allow-Headers") != "" {
			t.Fatalf("status %d headers %v", r.status, r.header)
		}
	})
	t.Run("a refused write changes nothing", func(t *testing.T) {
		e := e.in(t)
		e.unchanged(func() {
			r := e.do(http.MethodPost, "/api/v2/rest/login_or_register", map[string]string{"QISCUS_SDK_SECRET": "x"}, formType, "email=mallory&password=x")
			checkError(t, r, 401, "invalid app secret")
		})
	})
	t.Run("no secret configured disables the API", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Secret = "" })
		r := e.do(http.MethodGet, profile, map[string]string{"QISCUS_SDK_SECRET": ""}, "", "")
		checkError(t, r, 401, "server API is disabled")
	})
}

// The docs' login_or_register example: {id, email, username, avatar_url, token}.
func TestRESTLoginOrRegister(t *testing.T) {
	e := newEnv(t)
	r := e.restForm("login_or_register", url.Values{
		"email": {"johnny@example.com"}, "password": {"secret"}, "username": {"Johnny Cage"},
		"avatar_url": {"https://myimagebucket.com/image.jpg"},
	})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.user.id", 1}, {"results.user.email", "johnny@example.com"}, {"results.user.username", "Johnny Cage"},
		{"results.user.avatar_url", "https://myimagebucket.com/image.jpg"},
		{"results.user.avatar.url", "https://myimagebucket.com/image.jpg"},
		{"results.user.last_comment_id", 0}, {"results.user.pn_android_configured", false},
		{"results.user.pn_ios_configured", false},
	})
	token := r.str("results.user.token")
	if !regexp.MustCompile(`^[A-Z0-9]{20,}$`).MatchString(token) {
		t.Fatalf("token %q", token)
	}
	sdkLogin := func(id, pw string) resp {
		return e.form("login_or_register", nil, url.Values{"email": {id}, "password": {pw}}.Encode())
	}
	mustStatus(t, sdkLogin("johnny@example.com", "secret"), 200)

	t.Run("new user without a password gets a random one", func(t *testing.T) {
		e := e.in(t)
		r := e.restForm("login_or_register", url.Values{"email": {"nopw"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.user.username", "nopw"}, {"results.user.avatar_url", ""}})
		checkError(t, sdkLogin("nopw", ""), 400, "password is required")
		checkError(t, sdkLogin("nopw", "guess"), 401, "wrong password")
	})
	t.Run("existing user: the password is updated with the profile, the token kept", func(t *testing.T) {
		e := e.in(t)
		r := e.restForm("login_or_register", url.Values{"email": {"johnny@example.com"}, "password": {"new"}, "username": {"Johnny"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{
			{"results.user.id", 1}, {"results.user.username", "Johnny"}, {"results.user.token", token},
			{"results.user.avatar_url", "https://myimagebucket.com/image.jpg"},
		})
		checkError(t, sdkLogin("johnny@example.com", "secret"), 401, "wrong password")
		mustStatus(t, sdkLogin("johnny@example.com", "new"), 200)
	})
	t.Run("device token", func(t *testing.T) {
		e := e.in(t)
		r := e.restForm("login_or_register", url.Values{"email": {"dev1"}, "device_token": {"abc"}, "device_platform": {"android"}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.user.pn_android_configured", true}, {"results.user.pn_ios_configured", false}})
	})
	t.Run("JSON body", func(t *testing.T) {
		e := e.in(t)
		r := e.restJSON("login_or_register", map[string]any{"email": "jsonuser", "password": "x", "extras": map[string]any{"k": 1}})
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.user.email", "jsonuser"}, {"results.user.extras.k", 1}})
	})

	errs := []struct {
		name   string
		v      url.Values
		status int
		msg    string
	}{
		{"missing email", url.Values{"password": {"x"}}, 400, "email is required"},
		{"email with a slash", url.Values{"email": {"a/b"}}, 400, "without / + #"},
		{"existing user without password", url.Values{"email": {"johnny@example.com"}, "username": {"X"}}, 400, "password is required to update an existing user"},
		{"bad platform", url.Values{"email": {"p1"}, "device_token": {"t"}, "device_platform": {"windows"}}, 400, `device_platform must be "ios" or "android"`},
		{"token without platform", url.Values{"email": {"p2"}, "device_token": {"t"}}, 400, "device_platform"},
		{"bad avatar url", url.Values{"email": {"p3"}, "avatar_url": {"not a url"}}, 400, "avatar_url must be an absolute http(s) URL"},
		{"bad extras", url.Values{"email": {"p4"}, "extras": {"[1]"}}, 400, "extras must be a JSON object"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.unchanged(func() { checkError(t, e.restForm("login_or_register", tt.v), tt.status, tt.msg) })
		})
	}
}

func TestRESTUserProfile(t *testing.T) {
	e := newEnv(t)
	alice := e.restLogin("alice@example.com", "Alice")
	r := e.restGet("user_profile", url.Values{"user_email": {alice.ID}})
	mustStatus(t, r, 200)
	checkFields(t, r, []fieldWant{
		{"results.user.id", int(alice.PK)}, {"results.user.email", alice.ID}, {"results.user.username", "Alice"},
		{"results.user.avatar_url", ""}, {"results.user.token", alice.Token},
	})
	checkError(t, e.restGet("user_profile", nil), 400, "user_email is required")
	checkError(t, e.restGet("user_profile", url.Values{"user_email": {"ghost"}}), 404, `user not found: "ghost"`)
}

// The docs' reset_user_token example: {avatar{url}, avatar_url, email, id,
// last_comment_id, pn_android_configured, pn_ios_configured, rtKey, token, username}.
func TestRESTResetUserToken(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice", "Alice"), e.login("bob", "Bob")
	room := e.chat(alice, bob)
	last := e.mustPost(bob, room, "hi").num("results.comment.id")

	// Alice is online three ways: MQTT 5 with credentials, MQTT 5 identified by
	// its {token}/c subscription, and the v2 client's anonymous MQTT 3.1.1.
	withCreds := e.mqtt("dev_alice_1", alice)
	withCreds.mustSubscribe(alice.Token + "/c")
	bySub := e.mqtt("anon-1", nil)
	bySub.mustSubscribe(alice.Token + "/c")
	v311, code := e.raw311("dev_undefined_1", "u/undefined/s")
	if code != 0 {
		t.Fatalf("connack %d", code)
	}
	if rc := v311.subscribe(1, alice.Token+"/c"); rc != 0 {
		t.Fatalf("suback %d", rc)
	}
	bobs := e.mqtt("dev_bob_1", bob)
	bobs.mustSubscribe(bob.Token + "/c")

	r := e.restForm("reset_user_token", url.Values{"user_email": {"alice"}})
	mustStatus(t, r, 200)
	newToken := r.str("results.user.token")
	checkFields(t, r, []fieldWant{
		{"results.user.avatar.url", ""}, {"results.user.avatar_url", ""}, {"results.user.email", "alice"},
		{"results.user.id", int(alice.PK)}, {"results.user.last_comment_id", int(last)},
		{"results.user.pn_android_configured", false}, {"results.user.pn_ios_configured", false},
		{"results.user.rtKey", "devserver"}, {"results.user.username", "Alice"},
	})
	if newToken == "" || newToken == alice.Token {
		t.Fatalf("token %q (old %q)", newToken, alice.Token)
	}

	for name, mc := range map[string]*mqttClient{"credentials": withCreds, "subscription": bySub} {
		select {
		case <-mc.c.Done():
		case <-time.After(waitFor):
			t.Errorf("the %s session of the old token is still connected", name)
		}
	}
	_ = v311.conn.SetReadDeadline(time.Now().Add(waitFor))
	if _, err := v311.r.ReadByte(); err == nil {
		t.Error("the MQTT 3.1.1 session of the old token is still connected")
	}
	bobs.none(100 * time.Millisecond) // bob's session is untouched

	old := *alice
	checkError(t, e.get("sync", &old), 401, "invalid user id or token")
	alice.Token = newToken
	mustStatus(t, e.get("sync", alice), 200)
	if _, _, err := e.connectMQTT("dev_alice_2", &old); err == nil {
		t.Error("MQTT connect with the old token was accepted")
	}
	anon := e.mqtt("anon-2", nil)
	if code := anon.subscribe(old.Token + "/c"); code < 0x80 {
		t.Errorf("subscribing the old token's topic: reason 0x%02x", code)
	}
	fresh := e.mqtt("dev_alice_3", alice)
	fresh.mustSubscribe(newToken + "/c")
	e.mustPost(bob, room, "after reset")
	if got := fresh.next(); got.Topic != newToken+"/c" {
		t.Errorf("topic %s", got.Topic)
	}

	checkError(t, e.restForm("reset_user_token", nil), 400, "user_email is required")
	e.unchanged(func() {
		checkError(t, e.restForm("reset_user_token", url.Values{"user_email": {"ghost"}}), 404, "user not found")
	})
}
