PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE users (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	email            TEXT    NOT NULL UNIQUE, -- the Qiscus user id
	password         TEXT    NOT NULL,        -- salted hash
	username         TEXT    NOT NULL,
	avatar_url       TEXT    NOT NULL DEFAULT '',
	extras           TEXT    NOT NULL DEFAULT '{}',
	token            TEXT    NOT NULL UNIQUE,
	refresh_token    TEXT    NOT NULL DEFAULT '',
	token_expires_at INTEGER NOT NULL DEFAULT 0, -- unix ns, 0 = never
	created_at       INTEGER NOT NULL
);
INSERT INTO users VALUES(1,'rest-android','sha256:W5FYLNQBYPGPQYB4R3HVIXHARF:2b779103801c0413c02195b75164c7f6c44bbc307bfa197d1dc59b00c65db680','RA','','{}','S4WUU2LYDNO3Y5GTFOE3R4I2ON','YYQMYYCE2DXSOQZNXI5OYTSUYX',0,1796218217223915618);
INSERT INTO users VALUES(2,'rest-ios','sha256:GD7VF5TGEGPAVKUMR7MWI6KQPS:fdbf29b84755ee367ae5e9d85ca7ef3f208b0e1fc3b8da433ae736afb78d82d6','rest-ios','','{}','CGYKXNOL6AA77OEMRBR2ANS7W6','FM5Q45CUJXZHRG4ZE3C64MJ6OA',0,1796218217240099649);
INSERT INTO users VALUES(3,'both','sha256:6J73GEKY2RWCSYXSTXCB5N7V7N:b96091f2210ef38b0d4ecd631e03cb23f6b9aaf00b46c189bc5e96f3855ee57e','both','','{}','PEEQQQFI3THDB2F7KHAPM5ABIM','UOLU2RUNPGZAS7AOOCU6FUCI3L',0,1796218217342929599);
CREATE TABLE rooms (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	unique_id         TEXT    NOT NULL UNIQUE,
	name              TEXT    NOT NULL DEFAULT '',
	avatar_url        TEXT    NOT NULL DEFAULT '',
	options           TEXT    NOT NULL DEFAULT '',
	chat_type         TEXT    NOT NULL CHECK (chat_type IN ('single', 'group', 'channel')),
	is_public_channel INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL
);
CREATE TABLE participants (
	room_id                  INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	user_id                  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	last_comment_read_id     INTEGER NOT NULL DEFAULT 0,
	last_comment_received_id INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (room_id, user_id)
);
CREATE TABLE comments (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	room_id           INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	user_id           INTEGER NOT NULL REFERENCES users(id),
	comment_before_id INTEGER NOT NULL DEFAULT 0,
	unique_temp_id    TEXT    NOT NULL,
	message           TEXT    NOT NULL,
	type              TEXT    NOT NULL,
	payload           TEXT, -- JSON
	extras            TEXT, -- JSON
	created_at        INTEGER NOT NULL, -- unix ns
	is_deleted        INTEGER NOT NULL DEFAULT 0, disable_link_preview INTEGER NOT NULL DEFAULT 0,
	UNIQUE (room_id, user_id, unique_temp_id)
);
CREATE TABLE events (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	room_id      INTEGER, -- set: visible to the room's participants
	user_id      INTEGER, -- set: visible to this user only
	action_topic TEXT    NOT NULL,
	payload      TEXT    NOT NULL, -- JSON {actor, data}
	created_at   INTEGER NOT NULL  -- unix ns
);
CREATE TABLE nonces (
	nonce      TEXT    PRIMARY KEY,
	expires_at INTEGER NOT NULL, -- unix ns
	used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE blocks (
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, -- the blocker
	blocked_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, blocked_id)
);
CREATE TABLE hidden_comments (
	comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (comment_id, user_id)
);
CREATE TABLE room_clears (
	room_id    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	cleared_id INTEGER NOT NULL,
	PRIMARY KEY (room_id, user_id)
);
CREATE TABLE removed_participants (
	room_id    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	removed_at INTEGER NOT NULL,
	PRIMARY KEY (room_id, user_id)
);
CREATE TABLE device_tokens (
	user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token          TEXT    NOT NULL,
	platform       TEXT    NOT NULL,
	is_development INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	PRIMARY KEY (user_id, token)
);
INSERT INTO device_tokens VALUES(3,'TB','android',1,1796218218042474222);
INSERT INTO device_tokens VALUES(3,'TBI','ios',0,1796218218066835345);
CREATE TABLE restapi_room_creators (
	room_id INTEGER PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE TABLE restapi_device_tokens (
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	platform   TEXT    NOT NULL CHECK (platform IN ('ios', 'android')),
	token      TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, platform, token)
);
INSERT INTO restapi_device_tokens VALUES(1,'android','TA',1796218217223915618);
INSERT INTO restapi_device_tokens VALUES(2,'ios','TI',1796218217240099649);
INSERT INTO restapi_device_tokens VALUES(3,'android','TB',1796218217342929599);
CREATE TABLE restapi_exports (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	unique_id         TEXT    NOT NULL UNIQUE,
	resource_name     TEXT    NOT NULL,
	start_date        TEXT    NOT NULL DEFAULT '',
	end_date          TEXT    NOT NULL DEFAULT '',
	status            TEXT    NOT NULL,
	percentage        INTEGER NOT NULL DEFAULT 0,
	total_rows        INTEGER NOT NULL DEFAULT 0,
	size              INTEGER NOT NULL DEFAULT 0,
	error_message     TEXT    NOT NULL DEFAULT '',
	original_filename TEXT    NOT NULL,
	content           BLOB,             -- the JSON file once finished
	created_at        INTEGER NOT NULL  -- unix ns
);
CREATE TABLE restapi_imports (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	unique_id         TEXT    NOT NULL UNIQUE,
	resource_name     TEXT    NOT NULL,
	original_filename TEXT    NOT NULL,
	size              INTEGER NOT NULL,
	status            TEXT    NOT NULL,
	total_rows        INTEGER NOT NULL DEFAULT 0,
	errors            TEXT    NOT NULL DEFAULT '{}', -- JSON {Message, Data}
	created_at        INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	delivery_id TEXT    NOT NULL, -- one event; its attempts share it
	event_type  TEXT    NOT NULL, -- post_comment_mobile or post_comment_rest
	comment_id  INTEGER NOT NULL,
	url         TEXT    NOT NULL,
	attempt     INTEGER NOT NULL, -- 1-based
	status_code INTEGER NOT NULL DEFAULT 0, -- 0 when no HTTP response
	error       TEXT    NOT NULL DEFAULT '',
	success     INTEGER NOT NULL DEFAULT 0,
	duration_ms INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL
);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('users',3);
CREATE INDEX participants_by_user ON participants(user_id);
CREATE INDEX comments_by_room ON comments(room_id, id);
CREATE INDEX comments_by_temp_id ON comments(room_id, unique_temp_id);
CREATE INDEX events_by_room ON events(room_id, id);
CREATE INDEX events_by_user ON events(user_id, id);
CREATE INDEX webhook_deliveries_by_delivery ON webhook_deliveries(delivery_id, attempt);
COMMIT;
