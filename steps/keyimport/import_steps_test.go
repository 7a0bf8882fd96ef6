package keyimport

import (
	"strings"
	"testing"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"
)

func TestRelativeTimes(t *testing.T) {
	tests := []struct {
		cell    string
		wantErr bool
		prefix  string
	}{
		{"now+30d", false, `json:"20`},
		{"now-1d", false, `json:"20`},
		{"now+xd", true, ""},
		{"KEY_MATERIAL_EXPIRES", false, "KEY_MATERIAL_EXPIRES"},
		{"nowhere", false, "nowhere"},
	}
	for _, tc := range tests {
		in := &godog.Table{Rows: []*messages.PickleTableRow{{Cells: []*messages.PickleTableCell{{Value: "ValidTo"}, {Value: tc.cell}}}}}
		out, err := relativeTimes(in)
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: err %v, want error %v", tc.cell, err, tc.wantErr)
			continue
		}
		if err == nil && !strings.HasPrefix(out.Rows[0].Cells[1].Value, tc.prefix) {
			t.Errorf("%q became %q, want prefix %q", tc.cell, out.Rows[0].Cells[1].Value, tc.prefix)
		}
	}
}
