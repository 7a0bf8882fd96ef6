package request

// CheckMacDecode lets the external tests, which need a reference server
// (importing it from package request would be a cycle), check a body.
var CheckMacDecode = checkMacDecode
