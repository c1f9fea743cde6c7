package linerequest_test

import (
	"strings"
	"testing"

	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/plan"
)

func TestValidateRules(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 101)
	tests := []struct {
		name  string
		body  string
		field string // the field the error must name
		want  string // a part of its message
	}{
		{"empty body", ``, "", "JSON object"},
		{"array body", `[]`, "", "JSON object"},
		{"malformed JSON", `{"firstName":`, "", "malformed JSON"},
		{"firstName missing", `{"lastName":"L","channelType":"phone"}`, "firstName", "firstName is required"},
		{"firstName blank", `{"firstName":"  ","lastName":"L","channelType":"phone"}`, "firstName", "firstName is required"},
		{"firstName null", `{"firstName":null,"lastName":"L","channelType":"phone"}`, "firstName", "firstName is required"},
		{"firstName number", `{"firstName":7,"lastName":"L","channelType":"phone"}`, "firstName", "firstName must be a string"},
		{"firstName too long", `{"firstName":"` + long + `","lastName":"L","channelType":"phone"}`, "firstName", "at most 100"},
		{"lastName missing", `{"firstName":"F","channelType":"phone"}`, "lastName", "lastName is required"},
		{"lastName too long", `{"firstName":"F","lastName":"` + long + `","channelType":"phone"}`, "lastName", "at most 100"},
		{"channelType missing", `{"firstName":"F","lastName":"L"}`, "channelType", "channelType is required"},
		{"channelType unknown", `{"firstName":"F","lastName":"L","channelType":"fax"}`, "channelType", `"phone" or "email"`},
		{"channelType wrong type", `{"firstName":"F","lastName":"L","channelType":true}`, "channelType", "must be a string"},
		{"lineType unknown", `{"firstName":"F","lastName":"L","channelType":"phone","lineType":"rented"}`, "lineType", `"purchased" or "byon"`},
		{"byon on email", `{"firstName":"F","lastName":"L","channelType":"email","lineType":"byon","email":"a@b.co"}`, "lineType", "only to phone"},
		{"email line without email", `{"firstName":"F","lastName":"L","channelType":"email"}`, "email", "email is required"},
		{"email malformed", `{"firstName":"F","lastName":"L","channelType":"email","email":"not-an-address"}`, "email", "valid address"},
		{"email with display name", `{"firstName":"F","lastName":"L","channelType":"email","email":"Ann <a@b.co>"}`, "email", "valid address"},
		{"byon without email", `{"firstName":"F","lastName":"L","channelType":"phone","lineType":"byon","phone":"+14155550123"}`, "email", "email is required"},
		{"byon without phone", `{"firstName":"F","lastName":"L","channelType":"phone","lineType":"byon","email":"a@b.co"}`, "phone", "phone is required"},
		{"phone not E.164", `{"firstName":"F","lastName":"L","channelType":"phone","lineType":"byon","email":"a@b.co","phone":"4155550123"}`, "phone", "E.164"},
		{"phone too short", `{"firstName":"F","lastName":"L","channelType":"phone","phone":"+1234567"}`, "phone", "E.164"},
		{"phone too long", `{"firstName":"F","lastName":"L","channelType":"phone","phone":"+1234567890123456"}`, "phone", "E.164"},
		{"forwardCallsTo not E.164", `{"firstName":"F","lastName":"L","channelType":"phone","forwardCallsTo":"555"}`, "forwardCallsTo", "E.164"},
		{"forwardCallsTo on email", `{"firstName":"F","lastName":"L","channelType":"email","email":"a@b.co","forwardCallsTo":"+14155550123"}`, "forwardCallsTo", "only to phone"},
		{"profileImageUrl http", `{"firstName":"F","lastName":"L","channelType":"phone","profileImageUrl":"http://x.example/a.png"}`, "profileImageUrl", "https URL"},
		{"profileImageUrl junk", `{"firstName":"F","lastName":"L","channelType":"phone","profileImageUrl":"javascript:alert(1)"}`, "profileImageUrl", "https URL"},
		{"NUL in a name", `{"firstName":"a\u0000b","lastName":"L","channelType":"phone"}`, "firstName", "control characters"},
		{"bidi override in a name", `{"firstName":"a\u202eb","lastName":"L","channelType":"phone"}`, "firstName", "control characters"},
		{"line break in state", `{"firstName":"F","lastName":"L","channelType":"phone","state":"C\nA"}`, "state", "control characters"},
		{"invalid UTF-8", "{\"firstName\":\"\xff\",\"lastName\":\"L\",\"channelType\":\"phone\"}", "", "UTF-8"},
		{"phone starting with 0", `{"firstName":"F","lastName":"L","channelType":"phone","phone":"+0123456789"}`, "phone", "E.164"},
		{"zipcode wrong type", `{"firstName":"F","lastName":"L","channelType":"phone","zipcode":94107}`, "zipcode", "must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := linerequest.DecodeInput([]byte(tt.body))
			if err == nil {
				_, err = in.Validate()
			}
			inv, ok := err.(*linerequest.InvalidError)
			if !ok {
				t.Fatalf("want *InvalidError, got %v", err)
			}
			msg := inv.For(tt.field)
			if tt.field == "" {
				msg = inv.Error()
			}
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("field %q: want message containing %q, got %q (all: %v)", tt.field, tt.want, msg, inv)
			}
		})
	}
}

func TestValidateAcceptsEachKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want plan.Kind
	}{
		{"purchased", `{"firstName":" F ","lastName":"L","channelType":"phone","lineType":"purchased","zipcode":"94107","state":"CA","forwardCallsTo":"+14155550100"}`, plan.PhonePurchased},
		{"byon", `{"firstName":"F","lastName":"L","channelType":"phone","lineType":"byon","email":"a@b.co","phone":"+14155550123"}`, plan.PhoneBYON},
		{"email", `{"firstName":"F","lastName":"L","channelType":"email","email":"a@b.co","profileImageUrl":"https://img.example/a.png"}`, plan.Email},
		{"email says purchased", `{"firstName":"F","lastName":"L","channelType":"email","lineType":"purchased","email":"a@b.co"}`, plan.Email},
		{"omitted lineType without phone is purchased", `{"firstName":"F","lastName":"L","channelType":"phone"}`, plan.PhonePurchased},
		{"omitted lineType with phone is byon", `{"firstName":"F","lastName":"L","channelType":"phone","phone":"+14155550123","email":"a@b.co"}`, plan.PhoneBYON},
		{"unknown fields are ignored", `{"firstName":"F","lastName":"L","channelType":"phone","color":["x"]}`, plan.PhonePurchased},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := linerequest.DecodeInput([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			d, err := in.Validate()
			if err != nil {
				t.Fatalf("want valid, got %v", err)
			}
			if d.Kind != tt.want {
				t.Fatalf("kind: want %s, got %s", tt.want, d.Kind)
			}
			if d.FirstName != strings.TrimSpace(d.FirstName) {
				t.Fatalf("firstName not trimmed: %q", d.FirstName)
			}
		})
	}
}

func TestOmittedLineTypeWithPhoneStillNeedsEmail(t *testing.T) {
	t.Parallel()
	in, _ := linerequest.DecodeInput([]byte(`{"firstName":"F","lastName":"L","channelType":"phone","phone":"+14155550123"}`))
	_, err := in.Validate()
	inv, ok := err.(*linerequest.InvalidError)
	if !ok || inv.For("email") == "" {
		t.Fatalf("a phone without lineType is byon and needs an email; got %v", err)
	}
}

func TestResolveKey(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	tests := []struct {
		name    string
		header  string
		body    *string
		want    string
		wantErr string
	}{
		{"none", "", nil, "", ""},
		{"header only", "k-1", nil, "k-1", ""},
		{"quoted header", `"k-1"`, nil, "k-1", ""},
		{"body only", "", s("k-2"), "k-2", ""},
		{"both equal", "k-3", s("k-3"), "k-3", ""},
		{"both differ", "k-3", s("k-4"), "", "differ"},
		{"too long", strings.Repeat("a", 256), nil, "", "at most 255"},
		{"with a space", "a b", nil, "", "printable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := linerequest.Input{IdempotencyKey: tt.body}.ResolveKey(tt.header)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("want error containing %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("want %q, got %q (%v)", tt.want, got, err)
			}
		})
	}
}
