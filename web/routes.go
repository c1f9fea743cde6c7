package web

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/linedesk/linedesk/static"
)

// routes lists every route in one place.
func (h *Handler) routes(e *echo.Echo) {
	e.Use(h.logRequests, middleware.Recover(), securityHeaders, declaredTooLarge)

	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	assets := http.StripPrefix("/static/", http.FileServerFS(static.FS))
	e.GET("/static/*", echo.WrapHandler(assets))

	if h.LocalBilling != nil {
		// A hosted invoice needs no session, like a provider's; so no CSRF.
		e.GET("/billing/invoices/:token", h.HostedInvoice, varyOnRepresentation)
		e.POST("/billing/invoices/:token/pay", h.PayHostedInvoice, varyOnRepresentation)
	}

	csrfSession, csrfAlways := h.csrf()
	if h.Signer != nil {
		e.GET("/sign-in", h.SignIn, h.authenticate, csrfAlways)
		e.POST("/sign-in", h.SignInSubmit, h.authenticate, csrfAlways)
	} else {
		e.GET("/sign-in", h.ClerkSignIn, h.authenticate)
	}
	e.POST("/sign-out", h.SignOut, csrfAlways)

	// Middleware is attached per route, not through groups: a group with
	// middleware claims every unknown path below it, which would turn a
	// mistyped path into a sign-in prompt and a wrong method into a 404.
	app := []echo.MiddlewareFunc{h.authenticate, csrfSession, varyOnRepresentation}
	with := func(extra ...echo.MiddlewareFunc) []echo.MiddlewareFunc {
		return append(slices.Clone(app), extra...)
	}

	pages := with(h.requireSession)
	e.GET("/", h.Dashboard, pages...)
	e.GET("/lines/new", h.NewLine, pages...)
	e.GET("/lines/:id", h.GetLineRequest, pages...)
	e.GET("/billing", h.Billing, pages...)
	e.POST("/billing/plan", h.ChangePlan, pages...)
	e.GET("/settings/api-keys", h.APIKeys, pages...)
	e.POST("/settings/api-keys", h.CreateAPIKey, pages...)
	e.POST("/settings/api-keys/:id/revoke", h.RevokeAPIKey, pages...)

	api := with(h.requireAuth)
	e.POST("/api/line-requests", h.CreateLineRequest, api...)
	e.POST("/api/line-requests/preview", h.PreviewLineRequest, api...)
	e.GET("/api/line-requests", h.ListLineRequests, api...)
	e.GET("/api/line-requests/:id", h.GetLineRequest, api...)
	e.POST("/api/line-requests/:id", h.ManageLineRequest, api...)
	e.GET("/api/lines/by-user", h.LinesByUser, api...)

	admin := with(h.requireAuth, requireOperator)
	e.GET("/admin", h.AdminQueue, admin...)
	e.POST("/admin/requests/:id/:action", h.AdminAction, admin...)
}
