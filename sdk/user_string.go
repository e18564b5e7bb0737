package sdk

import "strconv"

// String shows the user without its credentials (Token and RefreshToken
// open the account), so a logged or printed User leaks nothing.
func (u User) String() string {
	return "User{ID:" + strconv.FormatInt(u.ID, 10) + " Email:" + strconv.Quote(u.Email) +
		" Username:" + strconv.Quote(u.Username) + " Token:" + redacted(u.Token) +
		" RefreshToken:" + redacted(u.RefreshToken) + "}"
}

// GoString is String for %#v.
func (u User) GoString() string { return u.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}
