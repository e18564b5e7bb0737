// Command bot is an echo bot written on the Go SDK (package sdk): it logs in
// to a Qiscus-compatible server (the devserver by default), and answers every
// text message that someone else posts in a room it belongs to with
// "echo: <text>". 1-on-1 rooms and groups alike: the server pushes every new
// comment of the bot's rooms to its realtime connection.
//
//	make run &   # the devserver on 127.0.0.1:8080, from the repository root
//	go -C example run ./bot -base-url http://127.0.0.1:8080 -user echo-bot -key echo-bot-key
//
// then chat with "echo-bot" from http://127.0.0.1:8080/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// Options configures the bot.
type Options struct {
	BaseURL string // REST base URL, e.g. http://127.0.0.1:8080
	MQTTURL string // "" = ws(s)://<BaseURL host>/mqtt
	AppID   string
	UserID  string
	UserKey string
	Name    string
	Prefix  string       // put before the echoed text
	Logger  *slog.Logger // nil = discard
}

// Run logs in and answers messages until ctx ends. ready, if not nil, is
// called once the bot is logged in and connected.
func Run(ctx context.Context, o Options, ready func()) error {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.MQTTURL == "" {
		u, err := mqttURL(o.BaseURL)
		if err != nil {
			return err
		}
		o.MQTTURL = u
	}
	// OnEvent runs on the client's event goroutine, in order and outside
	// any client lock, so it may reply with SendComment directly; the
	// replies of one bot go out one at a time.
	var client *sdk.Client
	client, err := sdk.New(ctx, sdk.Config{
		AppID: o.AppID, BaseURL: o.BaseURL, MQTTURL: o.MQTTURL, Logger: log,
		OnEvent: func(ev sdk.Event) {
			m, ok := ev.(sdk.MessageReceived)
			if !ok || m.Comment.Email == o.UserID || m.Comment.Type != "text" {
				return
			}
			c := m.Comment
			if _, err := client.SendComment(ctx, c.RoomID, o.Prefix+c.Message, sdk.SendOptions{}); err != nil {
				if ctx.Err() == nil {
					// The SDK already retried; the message stays unanswered.
					log.Error("reply failed", "room_id", c.RoomID, "comment_id", c.ID, "err", err)
				}
				return
			}
			log.Info("replied", "room_id", c.RoomID, "comment_id", c.ID)
		},
	})
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	defer client.Close()
	if _, err := client.SetUser(ctx, o.UserID, o.UserKey, sdk.LoginOptions{Username: o.Name}); err != nil {
		return fmt.Errorf("bot: login as %s: %w", o.UserID, err)
	}
	log.Info("bot logged in", "user", o.UserID, "server", o.BaseURL)
	if ready != nil {
		ready()
	}
	<-ctx.Done()
	return nil
}

var errBadURL = errors.New("bot: -base-url must be an http:// or https:// URL")

// mqttURL derives the devserver's broker URL from its REST URL.
func mqttURL(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%w: %q", errBadURL, base)
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("%w: %q", errBadURL, base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/mqtt"
	return u.String(), nil
}

func main() {
	o := Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	flag.StringVar(&o.BaseURL, "base-url", "http://127.0.0.1:8080", "server REST URL")
	flag.StringVar(&o.MQTTURL, "mqtt-url", "", "broker WebSocket URL (default: ws://<base-url host>/mqtt)")
	flag.StringVar(&o.AppID, "app-id", "dev", "app id")
	flag.StringVar(&o.UserID, "user", "echo-bot", "the bot's user id")
	flag.StringVar(&o.UserKey, "key", os.Getenv("QISCUS_BOT_KEY"), "the bot's user key (default $QISCUS_BOT_KEY)")
	flag.StringVar(&o.Name, "name", "Echo Bot", "display name")
	flag.StringVar(&o.Prefix, "prefix", "echo: ", "text put before each echoed message")
	flag.Parse()
	if o.UserKey == "" {
		fmt.Fprintln(os.Stderr, "bot: give the user key with -key or $QISCUS_BOT_KEY")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, o, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
