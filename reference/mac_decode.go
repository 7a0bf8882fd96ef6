package reference

// macRequest is the GenerateMac / VerifyMac request. Mac is used by
// VerifyMac only; GenerateMac rejects it as an unknown member.
type macRequest struct {
	KeyId        *string  `json:"KeyId"`
	Message      blob     `json:"Message"`
	MacAlgorithm *string  `json:"MacAlgorithm"`
	Mac          blob     `json:"Mac"`
	GrantTokens  []string `json:"GrantTokens"`
	DryRun       *bool    `json:"DryRun"`
}

type generateMacRequest struct {
	KeyId        *string  `json:"KeyId"`
	Message      blob     `json:"Message"`
	MacAlgorithm *string  `json:"MacAlgorithm"`
	GrantTokens  []string `json:"GrantTokens"`
	DryRun       *bool    `json:"DryRun"`
}

// decodeMacRequest decodes a GenerateMac (verify=false) or VerifyMac body.
// The hand-written fast path takes the shape SDKs send; anything else goes
// to the strict decoder, so errors are exactly the strict decoder's. The
// request may point into the returned scratch: use it only until
// sc.release(). sc is never nil, even on error.
func decodeMacRequest(body []byte, verify bool) (req macRequest, sc *macScratch, err error) {
	sc = getMacScratch()
	if fastDecodeMac(body, verify, sc, &req) {
		return req, sc, nil
	}
	req, err = decodeMacStrict(body, verify)
	return req, sc, err
}

// decodeMacStrict is the encoding/json decoder: the reference behaviour
// the fast path must match.
func decodeMacStrict(body []byte, verify bool) (macRequest, error) {
	if verify {
		var r macRequest
		err := decode(body, &r)
		return r, err
	}
	var g generateMacRequest
	if err := decode(body, &g); err != nil {
		return macRequest{}, err
	}
	return macRequest{KeyId: g.KeyId, Message: g.Message, MacAlgorithm: g.MacAlgorithm, GrantTokens: g.GrantTokens, DryRun: g.DryRun}, nil
}
