// Package generated holds the steps that hand a whole check to package
// properties and charge what it found to rules: the generated (gopter)
// properties and the stateful model (@property, @slow), and the Wycheproof
// known-answer runs through the endpoint (@vectors). VOCABULARY.md lists
// their phrases.
//
// It uses only the World's exported API (package steps) and registers its
// phrases with steps.Define from init; package runner imports it. It must
// not know how a run is driven (runner), hosts or credentials (it reaches
// the endpoint through the World's *target.Target), or the reference.
package generated
