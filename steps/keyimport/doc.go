// Package keyimport holds the steps for importing HMAC key material
// (rules.md §11, @import): named material the scenario knows, wrapped on
// the client with internal/keywrap and imported with GetParametersForImport
// and ImportKeyMaterial, and the checks on their answers. VOCABULARY.md
// lists the phrases. (The "with imported material" Given and
// World.ImportMaterial stay in package steps: other step sets use them.)
//
// It uses only the World's exported API (package steps) and registers its
// phrases with steps.Define from init; package runner imports it. It must
// not know how a run is driven (runner), hosts or credentials, or the
// reference.
package keyimport
