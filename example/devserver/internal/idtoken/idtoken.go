package idtoken

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// Identity tokens (the "server authentication" login): the app's backend
// signs a JWT with the app secret around a nonce from auth/nonce, and the
// client trades it for a user at auth/verify_identity_token.

const (
	NonceTTL                = 10 * time.Minute // Qiscus docs: a nonce lives 10 minutes
	defaultIdentityTokenTTL = 2 * time.Minute  // the docs advise at most 2 minutes
)

// Claims are the claims this server reads from an identity token.
type Claims struct {
	Iss       string          `json:"iss"`
	Iat       int64           `json:"iat"`
	Exp       int64           `json:"exp"`
	Nbf       int64           `json:"nbf"`
	Nce       string          `json:"nce"`
	Prn       string          `json:"prn"`
	Name      string          `json:"name,omitempty"`
	AvatarURL string          `json:"avatar_url,omitempty"`
	Extras    json.RawMessage `json:"extras,omitempty"`
}

// Sign mints an identity token as an app backend would: HS256
// over the claims iss (appID), iat, nbf, exp (now+ttl; 2 minutes when ttl <= 0),
// nce (a nonce from auth/nonce), prn (the user id) and name. Tests use it to log
// users in through auth/verify_identity_token.
func Sign(secret, appID, nonce, userID, name string, ttl time.Duration) (string, error) {
	switch {
	case secret == "":
		return "", errors.New("idtoken: SignIdentityToken: empty secret")
	case appID == "":
		return "", errors.New("idtoken: SignIdentityToken: empty app id")
	case nonce == "":
		return "", errors.New("idtoken: SignIdentityToken: empty nonce")
	case userID == "":
		return "", errors.New("idtoken: SignIdentityToken: empty user id")
	}
	if ttl <= 0 {
		ttl = defaultIdentityTokenTTL
	}
	now := time.Now().Unix()
	return SignJWT(secret, map[string]string{"alg": "HS256", "typ": "JWT"}, Claims{
		Iss: appID, Iat: now, Nbf: now, Exp: now + int64(ttl.Seconds()), Nce: nonce, Prn: userID, Name: name,
	})
}

// SignJWT encodes and signs any header and claims (tests build broken ones).
func SignJWT(secret string, header, claims any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("idtoken: encode JWT header: %w", err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("idtoken: encode JWT claims: %w", err)
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	return signing + "." + enc.EncodeToString(hs256(secret, signing)), nil
}

func hs256(secret, signing string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signing))
	return m.Sum(nil)
}

// b64url decodes a JWT segment; some backends keep the base64 padding.
func b64url(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// Parse checks everything but the nonce, which the store consumes
// together with the login: format → 400, trust (alg, signature, iss, time) → 401.
func Parse(secret, appID, token string, now time.Time) (Claims, error) {
	var cl Claims
	if secret == "" {
		return cl, apierr.New(apierr.ErrForbidden, "identity tokens are disabled: the server has no app secret (-secret)")
	}
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return cl, apierr.BadRequest("identity_token is not a JWT (want header.claims.signature)")
	}
	rawHeader, err := b64url(parts[0])
	if err != nil {
		return cl, apierr.BadRequest("identity token header is not base64url: %v", err)
	}
	var header struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Ver string `json:"ver"`
	}
	if err := json.Unmarshal(rawHeader, &header); err != nil {
		return cl, apierr.BadRequest("identity token header is not a JSON object: %v", err)
	}
	if header.Alg != "HS256" {
		return cl, apierr.Unauthorized("identity token alg must be HS256, got %q", header.Alg)
	}
	if header.Typ != "" && !strings.EqualFold(header.Typ, "JWT") {
		return cl, apierr.BadRequest("identity token typ must be JWT, got %q", header.Typ)
	}
	if header.Ver != "" && header.Ver != "v2" {
		return cl, apierr.BadRequest("identity token ver must be v2, got %q", header.Ver)
	}
	sig, err := b64url(parts[2])
	if err != nil {
		return cl, apierr.BadRequest("identity token signature is not base64url: %v", err)
	}
	if !hmac.Equal(sig, hs256(secret, parts[0]+"."+parts[1])) {
		return cl, apierr.Unauthorized("identity token signature is invalid (sign it with the app secret)")
	}
	rawClaims, err := b64url(parts[1])
	if err != nil {
		return cl, apierr.BadRequest("identity token claims are not base64url: %v", err)
	}
	if cl, err = decodeClaims(rawClaims); err != nil {
		return cl, err
	}
	switch {
	case cl.Iss != appID:
		return cl, apierr.Unauthorized("identity token iss %q is not this app (%q)", cl.Iss, appID)
	case cl.Exp == 0:
		return cl, apierr.BadRequest("identity token has no exp claim")
	case now.Unix() >= cl.Exp:
		return cl, apierr.Unauthorized("identity token expired at %s", time.Unix(cl.Exp, 0).UTC().Format(time.RFC3339))
	case cl.Nbf != 0 && now.Unix() < cl.Nbf:
		return cl, apierr.Unauthorized("identity token is not valid before %s (nbf)", time.Unix(cl.Nbf, 0).UTC().Format(time.RFC3339))
	case cl.Nce == "":
		return cl, apierr.BadRequest("identity token has no nce claim (the nonce from auth/nonce)")
	case cl.Prn == "":
		return cl, apierr.BadRequest("identity token has no prn claim (the user id)")
	}
	if err := wire.ValidUserID(cl.Prn); err != nil {
		return cl, apierr.BadRequest("identity token prn: %s", err.Error())
	}
	return cl, nil
}

// decodeClaims reads the claims with messages naming the offending claim.
func decodeClaims(raw []byte) (Claims, error) {
	var cl Claims
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return cl, apierr.BadRequest("identity token claims are not a JSON object: %v", err)
	}
	str := func(k string, dst *string) error {
		v, ok := m[k]
		if !ok || string(v) == "null" {
			return nil
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return apierr.BadRequest("identity token claim %s must be a string", k)
		}
		return nil
	}
	num := func(k string, dst *int64) error {
		v, ok := m[k]
		if !ok || string(v) == "null" {
			return nil
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil {
			return apierr.BadRequest("identity token claim %s must be a number (unix seconds)", k)
		}
		*dst = int64(f)
		return nil
	}
	err := errors.Join(str("iss", &cl.Iss), str("nce", &cl.Nce), str("prn", &cl.Prn), str("name", &cl.Name),
		str("avatar_url", &cl.AvatarURL), num("iat", &cl.Iat), num("exp", &cl.Exp), num("nbf", &cl.Nbf))
	if err != nil {
		var ae *apierr.APIError
		if errors.As(err, &ae) {
			return cl, ae
		}
		return cl, err
	}
	if v, ok := m["extras"]; ok && string(v) != "null" {
		if v = bytes.TrimSpace(v); len(v) == 0 || v[0] != '{' {
			return cl, apierr.BadRequest("identity token claim extras must be a JSON object")
		}
		cl.Extras = v
	}
	return cl, nil
}
