package request

// MacAlgorithms is the MacAlgorithmSpec enum in the order AWS prints it
// (MAC-ENUM-1); the fast path points requests at these strings.
var MacAlgorithms = []string{"HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224", "HMAC_SHA_512"}

// Mac is the GenerateMac / VerifyMac request. Its Mac member is used by
// VerifyMac only; GenerateMac rejects it as an unknown member.
type Mac struct {
	KeyId        *string  `json:"KeyId"`
	Message      Blob     `json:"Message"`
	MacAlgorithm *string  `json:"MacAlgorithm"`
	Mac          Blob     `json:"Mac"`
	GrantTokens  []string `json:"GrantTokens"`
	DryRun       *bool    `json:"DryRun"`
}

type generateMacRequest struct {
	KeyId        *string  `json:"KeyId"`
	Message      Blob     `json:"Message"`
	MacAlgorithm *string  `json:"MacAlgorithm"`
	GrantTokens  []string `json:"GrantTokens"`
	DryRun       *bool    `json:"DryRun"`
}

// DecodeMac decodes a GenerateMac (verify=false) or VerifyMac body.
// The hand-written fast path takes the shape SDKs send; anything else goes
// to the strict decoder, so errors are exactly the strict decoder's. The
// request may point into the returned scratch: use it only until
// sc.Release(). sc is never nil, even on error.
func DecodeMac(body []byte, verify bool) (req Mac, sc *MacScratch, err error) {
	sc = getMacScratch()
	if fastDecodeMac(body, verify, sc, &req) {
		return req, sc, nil
	}
	req, err = decodeMacStrict(body, verify)
	return req, sc, err
}

// decodeMacStrict is the encoding/json decoder: the reference behaviour
// the fast path must match.
func decodeMacStrict(body []byte, verify bool) (Mac, error) {
	if verify {
		var r Mac
		err := Decode(body, &r)
		return r, err
	}
	var g generateMacRequest
	if err := Decode(body, &g); err != nil {
		return Mac{}, err
	}
	return Mac{KeyId: g.KeyId, Message: g.Message, MacAlgorithm: g.MacAlgorithm, GrantTokens: g.GrantTokens, DryRun: g.DryRun}, nil
}
