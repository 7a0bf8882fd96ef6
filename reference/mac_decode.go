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
// It is kept apart so that a faster hand-written decoder can replace it.
func decodeMacRequest(body []byte, verify bool) (macRequest, error) {
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
