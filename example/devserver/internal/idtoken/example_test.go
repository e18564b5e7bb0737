package idtoken_test

import (
	"fmt"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/idtoken"
)

// A server signs an identity token for a nonce; auth/verify_identity_token
// parses it with the same secret and app id, and refuses any other secret.
func Example() {
	tok, err := idtoken.Sign("app-secret", "dev", "nonce-1", "alice", "Alice", time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	cl, err := idtoken.Parse("app-secret", "dev", tok, time.Now())
	fmt.Println(cl.Prn, cl.Name, cl.Nce, err)
	_, err = idtoken.Parse("other-secret", "dev", tok, time.Now())
	fmt.Println(err != nil)
	// Output:
	// alice Alice nonce-1 <nil>
	// true
}
