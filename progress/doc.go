// Package progress holds kmsmac's two godog formatters: kmsmac-progress
// (scenarios done out of the total, failures so far, time left) and
// kmsmac-pretty (godog's pretty output without its totals). The run
// engine registers a Bar per run and reports each finished scenario's
// status to it; GodogFormats maps the user's format names onto these.
//
// It must not know scenarios' content, rules or endpoints: it sees
// statuses and godog's writer, nothing else.
package progress
