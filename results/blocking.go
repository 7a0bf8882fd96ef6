package results

import (
	"encoding/json"
	"strings"
)

// BlockingRule is the catalogued rule that promises a setup call works:
// when op (with its JSON request body) fails, the scenario that needed it
// is blocked by that rule, which is judged on its own scenarios. "" when
// no HMAC rule promises the call (a non-HMAC key, an operation no rule
// covers).
func BlockingRule(op string, request []byte) string {
	var req map[string]any
	_ = json.Unmarshal(request, &req) // a body that is not JSON names no key spec
	str := func(k string) string { s, _ := req[k].(string); return s }
	switch op {
	case "CreateKey":
		spec := str("KeySpec")
		if spec == "" {
			spec = str("CustomerMasterKeySpec")
		}
		switch {
		case !strings.HasPrefix(spec, "HMAC_"):
			return "" // a non-HMAC key: no HMAC rule promises it
		case str("Origin") == "EXTERNAL":
			return "CK-11"
		case req["MultiRegion"] == true:
			return "CK-10"
		}
		return "CK-1"
	case "GetParametersForImport", "ImportKeyMaterial":
		return "IMP-1"
	case "DeleteImportedKeyMaterial":
		return "IMP-8"
	case "CreateGrant":
		return "GR-1"
	case "CreateAlias":
		return "KID-1"
	case "UpdateAlias":
		return "KID-13"
	case "DisableKey", "EnableKey":
		return "STATE-10"
	case "ScheduleKeyDeletion":
		return "STATE-12"
	case "CancelKeyDeletion":
		return "STATE-11"
	case "DescribeKey":
		return "DK-5"
	case "GenerateMac":
		return "GM-OK-1"
	case "VerifyMac":
		return "VM-OK-1"
	}
	return ""
}
