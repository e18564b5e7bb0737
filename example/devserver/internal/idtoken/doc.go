// Package idtoken signs and checks the identity tokens of the v2 "server
// authentication" login: JWTs (HS256 with the app secret) around a nonce
// from auth/nonce, which a client trades for a user at
// auth/verify_identity_token.
package idtoken
