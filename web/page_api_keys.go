package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/postgres"
	"github.com/linedesk/linedesk/views"
)

// APIKeys is GET /settings/api-keys: the workspace's keys by prefix.
func (h *Handler) APIKeys(c echo.Context) error {
	v := views.APIKeysView{}
	if c.QueryParam("done") == "revoked" {
		v.Notice = "The key is revoked."
	}
	return h.renderAPIKeys(c, http.StatusOK, v)
}

// CreateAPIKey is POST /settings/api-keys. The answer shows the secret this
// once; only its hash is stored.
func (h *Handler) CreateAPIKey(c echo.Context) error {
	p, _ := principal(c)
	if p.Role != "admin" {
		return errAdminOnly
	}
	name := strings.TrimSpace(c.FormValue("name"))
	switch {
	case name == "":
		v := views.APIKeysView{NameError: "Name the key, e.g. after the program that uses it."}
		return h.renderAPIKeys(c, http.StatusBadRequest, v)
	case utf8.RuneCountInString(name) > 100:
		v := views.APIKeysView{NameError: "Use at most 100 characters."}
		return h.renderAPIKeys(c, http.StatusBadRequest, v)
	}
	secret, prefix, hash := auth.NewKey()
	_, err := h.Store.CreateAPIKey(c.Request().Context(), p.WorkspaceID, name, prefix, hash)
	if err != nil {
		return err
	}
	h.Log.Info("api_key.created", "request_id", requestID(c), "workspace_id", p.WorkspaceID,
		"key_prefix", prefix)
	return h.renderAPIKeys(c, http.StatusOK, views.APIKeysView{NewSecret: secret, NewName: name})
}

// RevokeAPIKey is POST /settings/api-keys/:id/revoke.
func (h *Handler) RevokeAPIKey(c echo.Context) error {
	p, _ := principal(c)
	if p.Role != "admin" {
		return errAdminOnly
	}
	err := h.Store.RevokeAPIKey(c.Request().Context(), p.WorkspaceID, c.Param("id"))
	if errors.Is(err, postgres.ErrNotFound) {
		return errBody(http.StatusNotFound, "API key not found")
	}
	if err != nil {
		return err
	}
	// The key cache would otherwise honour the key for a few more seconds.
	h.Auth.Forget()
	h.Log.Info("api_key.revoked", "request_id", requestID(c), "workspace_id", p.WorkspaceID,
		"api_key_id", c.Param("id"))
	return c.Redirect(http.StatusSeeOther, "/settings/api-keys?done=revoked")
}

func (h *Handler) renderAPIKeys(c echo.Context, code int, v views.APIKeysView) error {
	p, _ := principal(c)
	keys, err := h.Store.APIKeys(c.Request().Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	v.Keys, v.Admin, v.CSRF = keys, p.Role == "admin", csrfToken(c)
	v.ExampleURL = h.Config.BaseURL + "/api/line-requests"
	return render(c, code, views.APIKeysPage(h.page(c, "API keys"), v))
}
