// Package aliasname checks alias names for CreateAlias, UpdateAlias and
// DeleteAlias: length, pattern, the alias/ prefix and the reserved
// alias/aws/. It knows request validation and the error shapes, not keys.
package aliasname

import (
	"strings"

	"github.com/kmsmac/kmsmac/reference/kmserr"
	"github.com/kmsmac/kmsmac/reference/request"
)

type createRequest struct {
	AliasName   *string `json:"AliasName"`
	TargetKeyId *string `json:"TargetKeyId"`
}

const aliasPattern = "^[a-zA-Z0-9:/_-]+$"

// Violations checks AliasName's length and pattern.
func Violations(v *request.Violations, name *string) {
	v.Str("aliasName", name, true, 1, 256)
	if name != nil && *name != "" && !validAliasChars(*name) {
		v.Add(request.Quote(*name), "aliasName", "Member must satisfy regular expression pattern: "+aliasPattern)
	}
}

func validAliasChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == ':' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// CheckPrefix: the name must start with alias/ (the message is the one
// KMS emulators quote from AWS) and, for creation, not with the reserved
// alias/aws/ (AWS answers NotAuthorizedException, an unmodeled shape).
func CheckPrefix(name string, creating bool) error {
	if !strings.HasPrefix(name, "alias/") || name == "alias/" {
		return kmserr.Validation(`Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html`)
	}
	if creating && strings.HasPrefix(name, "alias/aws/") {
		return kmserr.Client("NotAuthorizedException", "Cannot create alias with prefix 'alias/aws/'")
	}
	return nil
}

// Decode decodes and validates a CreateAlias / UpdateAlias body.
func Decode(body []byte, creating bool) (name, target string, err error) {
	var req createRequest
	if err := request.Decode(body, &req); err != nil {
		return "", "", err
	}
	var v request.Violations
	Violations(&v, req.AliasName)
	v.Str("targetKeyId", req.TargetKeyId, true, 1, 2048)
	if err := v.Err(); err != nil {
		return "", "", err
	}
	if err := CheckPrefix(*req.AliasName, creating); err != nil {
		return "", "", err
	}
	return *req.AliasName, *req.TargetKeyId, nil
}
