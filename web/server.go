// Package web is Linedesk's HTTP face: routes, handlers, middleware and the
// one error handler. Each route serves JSON to programs and HTML to people.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/billing/local"
	"github.com/linedesk/linedesk/internal/config"
	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/postgres"
)

// Deps is everything the handlers use.
type Deps struct {
	Config config.Config
	Store  *postgres.Store
	Lines  *linerequest.Service
	// Ops are the operators' actions across workspaces.
	Ops  *linerequest.Operations
	Auth *auth.Authenticator
	// LocalBilling is set when the local billing stand-in is in force.
	LocalBilling *local.Provider
	// Signer is set when the local sign-in stand-in is in force.
	Signer *auth.LocalSigner
	Log    *slog.Logger
}

// Handler holds the dependencies every route shares.
type Handler struct {
	Deps
	limits *limiter
}

// New builds the Echo server with every route and middleware.
func New(d Deps) *echo.Echo {
	h := &Handler{Deps: d, limits: newLimiter(d.Config.RateLimitPerMinute)}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	h.routes(e)
	return e
}

// Mode names the stand-ins in force, for logs, the footer and /healthz.
func (h *Handler) Mode() map[string]string {
	m := map[string]string{"auth": "clerk", "billing": "stripe"}
	if h.Config.LocalAuth() {
		m["auth"] = "local"
	}
	if h.Config.LocalBilling() {
		m["billing"] = "local"
	}
	return m
}

func (h *Handler) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "mode": h.Mode()})
}

func (h *Handler) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.Store.Ping(ctx); err != nil {
		h.Log.Error("readyz", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "database unreachable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
