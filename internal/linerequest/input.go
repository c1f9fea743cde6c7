package linerequest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/linedesk/linedesk/internal/plan"
)

// MaxNameLength bounds firstName and lastName, in characters.
const MaxNameLength = 100

// MaxIdempotencyKeyLength bounds an idempotency key, in bytes.
const MaxIdempotencyKeyLength = 255

// Input is a create request as a client sends it. Pointers tell an absent
// field from an empty one.
type Input struct {
	FirstName       *string `json:"firstName"`
	LastName        *string `json:"lastName"`
	ChannelType     *string `json:"channelType"`
	LineType        *string `json:"lineType"`
	Email           *string `json:"email"`
	Phone           *string `json:"phone"`
	Zipcode         *string `json:"zipcode"`
	State           *string `json:"state"`
	ForwardCallsTo  *string `json:"forwardCallsTo"`
	ProfileImageURL *string `json:"profileImageUrl"`
	IdempotencyKey  *string `json:"idempotencyKey"`
}

// Draft is a validated request, ready for the plan to decide on.
type Draft struct {
	Kind            plan.Kind
	FirstName       string
	LastName        string
	Email           string
	Phone           string
	Zipcode         string
	State           string
	ForwardCallsTo  string
	ProfileImageURL string
}

// FieldError names one field and what is wrong with it.
type FieldError struct {
	Field   string
	Message string
}

// InvalidError lists everything wrong with a request body.
type InvalidError struct {
	Fields []FieldError
}

func (e *InvalidError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Message
	}
	return strings.Join(msgs, "; ")
}

// For returns the message for one field, or "".
func (e *InvalidError) For(field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

func invalid(field, format string, args ...any) *InvalidError {
	return &InvalidError{Fields: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// DecodeInput reads a JSON body. Type errors and malformed JSON come back as
// an *InvalidError naming the field.
func DecodeInput(body []byte) (Input, error) {
	var in Input
	if !utf8.Valid(body) {
		return in, invalid("", "request body must be UTF-8 encoded")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return in, invalid("", "request body must be a JSON object")
	}
	err := json.Unmarshal(body, &in)
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		return in, nil
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return in, invalid(typeErr.Field, "%s must be a string", typeErr.Field)
	case errors.As(err, &typeErr):
		return in, invalid("", "request body must be a JSON object")
	case errors.As(err, &syntaxErr):
		return in, invalid("", "malformed JSON at byte %d", syntaxErr.Offset)
	default:
		return in, invalid("", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
}

var (
	e164    = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)
	keyChar = regexp.MustCompile(`^[\x21-\x7e]+$`)
)

// Validate checks every rule of the contract and returns the draft, or an
// *InvalidError listing each field that is wrong.
func (in Input) Validate() (Draft, error) {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	d := Draft{
		FirstName:       trim(in.FirstName),
		LastName:        trim(in.LastName),
		Email:           trim(in.Email),
		Phone:           trim(in.Phone),
		Zipcode:         trim(in.Zipcode),
		State:           trim(in.State),
		ForwardCallsTo:  trim(in.ForwardCallsTo),
		ProfileImageURL: trim(in.ProfileImageURL),
	}

	for _, f := range []struct{ name, value string }{{"firstName", d.FirstName}, {"lastName", d.LastName},
		{"email", d.Email}, {"phone", d.Phone}, {"zipcode", d.Zipcode}, {"state", d.State},
		{"forwardCallsTo", d.ForwardCallsTo}, {"profileImageUrl", d.ProfileImageURL}} {
		if HasControl(f.value) {
			add(f.name, "%s must not contain control characters", f.name)
		}
	}
	for _, f := range []struct{ name, value string }{{"firstName", d.FirstName}, {"lastName", d.LastName}} {
		switch {
		case f.value == "":
			add(f.name, "%s is required", f.name)
		case utf8.RuneCountInString(f.value) > MaxNameLength:
			add(f.name, "%s must be at most %d characters", f.name, MaxNameLength)
		}
	}

	channel, lineType := trim(in.ChannelType), trim(in.LineType)
	switch channel {
	case "":
		add("channelType", `channelType is required: "phone" or "email"`)
	case "email":
		d.Kind = plan.Email
		if lineType == "byon" {
			add("lineType", `lineType "byon" applies only to phone lines`)
		} else if lineType != "" && lineType != "purchased" {
			add("lineType", `lineType must be "purchased" or "byon"`)
		}
		if d.ForwardCallsTo != "" {
			add("forwardCallsTo", "forwardCallsTo applies only to phone lines")
		}
	case "phone":
		switch lineType {
		case "purchased":
			d.Kind = plan.PhonePurchased
		case "byon":
			d.Kind = plan.PhoneBYON
		case "":
			// An omitted lineType means the caller brings the number it sent.
			d.Kind = plan.PhonePurchased
			if d.Phone != "" {
				d.Kind = plan.PhoneBYON
			}
		default:
			add("lineType", `lineType must be "purchased" or "byon"`)
		}
	default:
		add("channelType", `channelType must be "phone" or "email"`)
	}

	needEmail := d.Kind == plan.Email || d.Kind == plan.PhoneBYON
	switch {
	case d.Email == "" && needEmail:
		add("email", "email is required for %s lines", kindWord(d.Kind))
	case d.Email != "" && !validEmail(d.Email):
		add("email", "email must be a valid address, like name@example.com")
	}
	switch {
	case d.Phone == "" && d.Kind == plan.PhoneBYON:
		add("phone", "phone is required for byon lines (the number being brought)")
	case d.Phone != "" && !e164.MatchString(d.Phone):
		add("phone", "phone must be in E.164 form: + and 8 to 15 digits, not starting with 0, like +14155550123")
	}
	if d.ForwardCallsTo != "" && channel == "phone" && !e164.MatchString(d.ForwardCallsTo) {
		add("forwardCallsTo", "forwardCallsTo must be in E.164 form: + and 8 to 15 digits")
	}
	if d.ProfileImageURL != "" && !validHTTPS(d.ProfileImageURL) {
		add("profileImageUrl", "profileImageUrl must be an https URL")
	}
	if len(d.Zipcode) > 20 {
		add("zipcode", "zipcode must be at most 20 characters")
	}
	if len(d.State) > 50 {
		add("state", "state must be at most 50 characters")
	}

	if len(errs) > 0 {
		return Draft{}, &InvalidError{Fields: errs}
	}
	return d, nil
}

// ResolveKey settles the key from the header and the body field.
func (in Input) ResolveKey(header string) (string, error) {
	body := trim(in.IdempotencyKey)
	header = strings.TrimSpace(header)
	// Accept the structured-field form ("...") as well as the bare one.
	if len(header) >= 2 && header[0] == '"' && header[len(header)-1] == '"' {
		header = header[1 : len(header)-1]
	}
	key := header
	switch {
	case header != "" && body != "" && header != body:
		return "", invalid("idempotencyKey", "Idempotency-Key header and idempotencyKey field differ; send one")
	case key == "":
		key = body
	}
	if key == "" {
		return "", nil
	}
	if len(key) > MaxIdempotencyKeyLength {
		return "", invalid("idempotencyKey", "idempotency key must be at most %d characters", MaxIdempotencyKeyLength)
	}
	if !keyChar.MatchString(key) {
		return "", invalid("idempotencyKey", "idempotency key must be printable ASCII without spaces")
	}
	return key, nil
}

// Fingerprint identifies what was asked, so a reused key with another body is caught.
func (d Draft) Fingerprint() string {
	b, _ := json.Marshal(d) // a struct of strings always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// HasControl reports whether s holds a control character (NUL, escapes,
// line breaks) or a bidirectional override, none of which belongs in a
// name, an address or a note shown to people.
func HasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return true
		}
	}
	return false
}

func kindWord(k plan.Kind) string {
	if k == plan.Email {
		return "email"
	}
	return "byon"
}

func trim(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && len(s) <= 254
}

func validHTTPS(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && len(s) <= 2048
}
