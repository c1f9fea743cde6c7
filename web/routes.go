package web

import (
	"net/http"

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

	app := e.Group("", h.authenticate, csrfSession, varyOnRepresentation)
	pages := app.Group("", h.requireSession)
	pages.GET("/", h.Dashboard)
	pages.GET("/lines/new", h.NewLine)
	pages.GET("/lines/:id", h.GetLineRequest)
	pages.GET("/billing", h.Billing)
	pages.POST("/billing/plan", h.ChangePlan)
	pages.GET("/settings/api-keys", h.APIKeys)
	pages.POST("/settings/api-keys", h.CreateAPIKey)
	pages.POST("/settings/api-keys/:id/revoke", h.RevokeAPIKey)

	api := app.Group("/api", h.requireAuth)
	api.POST("/line-requests", h.CreateLineRequest)
	api.POST("/line-requests/preview", h.PreviewLineRequest)
	api.GET("/line-requests", h.ListLineRequests)
	api.GET("/line-requests/:id", h.GetLineRequest)
	api.POST("/line-requests/:id", h.ManageLineRequest)
	api.GET("/lines/by-user", h.LinesByUser)

	admin := app.Group("/admin", h.requireAuth, requireOperator)
	admin.GET("", h.AdminQueue)
	admin.POST("/requests/:id/:action", h.AdminAction)
}
