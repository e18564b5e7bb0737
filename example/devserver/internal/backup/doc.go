// Package backup is the server API's data export and import (its "backup
// histories"): users, rooms or comments written to a JSON file in the
// background with a rising percentage, and the same files read back, all or
// nothing, in one transaction through the chat service. An export of one
// server imports into another.
package backup
