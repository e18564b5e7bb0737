// Package store is the devserver's SQLite layer: the schema and its
// migrations, every SQL statement, and the comment writer through which every
// comment insert goes (group commit, fan-out callbacks in commit order).
//
// Methods are named for what they do, not for who calls them, return row
// types (User, Comment, RoomDetail, …) and errors wrapping the sentinels of
// internal/apierr. They never publish to the broker, so no transaction is held
// while MQTT work happens: the chat layer above does that.
package store
