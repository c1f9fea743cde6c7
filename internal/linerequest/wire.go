package linerequest

import (
	"encoding/json"
	"time"
)

// Line is the JSON form of a request, as the API returns it.
type Line struct {
	ID                 string  `json:"_id"`
	WorkspaceID        string  `json:"workspaceId"`
	FirstName          string  `json:"firstName"`
	LastName           string  `json:"lastName"`
	ChannelType        string  `json:"channelType"`
	LineType           string  `json:"lineType"`
	Email              *string `json:"email"`
	Phone              *string `json:"phone"`
	Zipcode            *string `json:"zipcode"`
	State              *string `json:"state"`
	ForwardCallsTo     *string `json:"forwardCallsTo"`
	ProfileImageURL    *string `json:"profileImageUrl"`
	ProvisioningStatus Status  `json:"provisioningStatus"`
	PaymentStatus      string  `json:"paymentStatus"`
	CreatedAt          string  `json:"createdAt"`
	UpdatedAt          string  `json:"updatedAt"`
	ActivatedAt        *string `json:"activatedAt,omitempty"`
	FailureReason      *string `json:"failureReason,omitempty"`
	IsActive           *bool   `json:"isActive,omitempty"`
}

// Envelope is the body of a create answer and of a poll.
type Envelope struct {
	Success         bool          `json:"success"`
	Status          Status        `json:"status"`
	Message         string        `json:"message,omitempty"`
	PaymentStatus   PaymentStatus `json:"paymentStatus"`
	PaymentRequired bool          `json:"paymentRequired"`
	PaymentURL      string        `json:"paymentUrl,omitempty"`
	InvoiceID       string        `json:"invoiceId,omitempty"`
	Line            Line          `json:"line"`
}

// Refusal is the body of a decision that stores no request.
type Refusal struct {
	Success      bool   `json:"success"`
	Status       string `json:"status"`
	Message      string `json:"message"`
	Redirect     string `json:"redirect,omitempty"`
	ExistingLine *Line  `json:"existingLine,omitempty"`
}

// LineJSON renders a request as the API's line object.
func LineJSON(r Request) Line {
	l := Line{
		ID:                 r.ID,
		WorkspaceID:        r.WorkspaceID,
		FirstName:          r.FirstName,
		LastName:           r.LastName,
		ChannelType:        r.ChannelType(),
		LineType:           r.LineType(),
		Email:              optional(r.Email),
		Phone:              optional(r.Phone),
		Zipcode:            optional(r.Zipcode),
		State:              optional(r.State),
		ForwardCallsTo:     optional(r.ForwardCallsTo),
		ProfileImageURL:    optional(r.ProfileImageURL),
		ProvisioningStatus: r.Status,
		PaymentStatus:      string(r.PaymentStatus),
		CreatedAt:          timestamp(r.CreatedAt),
		UpdatedAt:          timestamp(r.UpdatedAt),
		FailureReason:      optional(r.FailureReason),
	}
	if r.ActivatedAt != nil {
		at := timestamp(*r.ActivatedAt)
		l.ActivatedAt = &at
	}
	return l
}

// EnvelopeJSON renders the shared create and poll envelope.
func EnvelopeJSON(r Request) Envelope {
	env := Envelope{
		Success:         true,
		Status:          r.Status,
		PaymentStatus:   r.PaymentStatus,
		PaymentRequired: r.PaymentStatus == PaymentUnpaid,
		Line:            LineJSON(r),
	}
	if inv := r.OpenInvoice(); inv != nil {
		env.PaymentURL = inv.HostedURL
		env.InvoiceID = inv.ID
	}
	return env
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own plain structs reach here.
		panic(err)
	}
	return b
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timestamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
