package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/linedesk/linedesk/static"
)

// routes lists every route in one place.
func (h *Handler) routes(e *echo.Echo) {
	e.Use(h.logRequests, middleware.Recover(), securityHeaders)

	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	assets := http.StripPrefix("/static/", http.FileServerFS(static.FS))
	e.GET("/static/*", echo.WrapHandler(assets))

	if h.LocalBilling != nil {
		e.GET("/billing/invoices/:token", h.HostedInvoice)
		e.POST("/billing/invoices/:token/pay", h.PayHostedInvoice)
	}

	app := e.Group("", h.authenticate)
	api := app.Group("/api", h.requireAuth)
	api.POST("/line-requests", h.CreateLineRequest)
	api.POST("/line-requests/preview", h.PreviewLineRequest)
	api.GET("/line-requests", h.ListLineRequests)
	api.GET("/line-requests/:id", h.GetLineRequest)
	api.POST("/line-requests/:id", h.ManageLineRequest)
	api.GET("/lines/by-user", h.LinesByUser)
}
