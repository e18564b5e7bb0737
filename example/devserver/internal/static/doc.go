// Package static serves the SDK build and the example pages: explicit types
// for the SDK files, brotli or gzip by Accept-Encoding (precompressed by the
// build, or gzipped once and cached), strong ETags and Cache-Control.
package static
