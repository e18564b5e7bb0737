// Package httpapi is what the two REST APIs (the SDK's and the server's)
// share below their handlers: reading request parameters in every encoding
// v2 clients and app backends send (Params), the request being served
// (Call), the endpoint table lookup with its 404 and 405 answers (Table), and
// the v2 JSON envelopes of results and errors (WriteResult, WriteError).
package httpapi
