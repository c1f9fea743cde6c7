// Linedesk page behaviour. Everything is wired through delegated listeners so
// the page works under a strict CSP: no inline handlers, no eval.
//
// Load this right after htmx.min.js (both plain or both deferred): htmx reads
// its config when the DOM is ready, so settings made later come too late.
(function () {
  'use strict';

  function configureHtmx() {
    if (!window.htmx) return;
    var config = window.htmx.config;
    config.allowEval = false;
    // htmx would inject an inline <style>, which the CSP blocks; app.css has the rules.
    config.includeIndicatorStyles = false;
    // Restores fetch a full page, so they must not look like partial requests.
    config.historyRestoreAsHxRequest = false;
  }

  if (window.htmx) {
    configureHtmx();
  } else {
    document.addEventListener('DOMContentLoaded', configureHtmx);
  }

  // CSRF: read the meta tag on every request because swaps may replace it.
  document.addEventListener('htmx:configRequest', function (evt) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var token = meta && meta.getAttribute('content');
    if (token) evt.detail.headers['X-CSRF-Token'] = token;
  });

  // Copy buttons.
  var COPIED_MS = 1500;

  function copyText(text, source) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-http fallback; only form fields can be selected this way.
    return new Promise(function (resolve, reject) {
      if (!source || typeof source.select !== 'function') {
        reject(new Error('clipboard unavailable'));
        return;
      }
      source.select();
      if (document.execCommand('copy')) resolve();
      else reject(new Error('copy failed'));
    });
  }

  var copyTimers = new WeakMap();

  document.addEventListener('click', function (evt) {
    if (!(evt.target instanceof Element)) return;
    var button = evt.target.closest('[data-copy-target]');
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy-target'));
    if (!source) return;
    evt.preventDefault();
    var text = source.matches('input, textarea, select') ? source.value : source.textContent.trim();
    // An optional [data-copy-label] child keeps icons inside the button intact.
    var label = button.querySelector('[data-copy-label]') || button;
    copyText(text, source).then(function () {
      if (!copyTimers.has(button)) button.dataset.copyOriginal = label.textContent;
      label.textContent = 'Copied';
      clearTimeout(copyTimers.get(button));
      copyTimers.set(button, setTimeout(function () {
        label.textContent = button.dataset.copyOriginal;
        delete button.dataset.copyOriginal;
        copyTimers.delete(button);
      }, COPIED_MS));
    }).catch(function () {
      /* leave the label alone; nothing was copied */
    });
  });

  // Confirmations. A submit confirmed here is remembered so htmx:confirm does
  // not ask a second time for the same event.
  var confirmedEvents = new WeakSet();

  function confirmMessage(el) {
    if (!el) return null;
    if (el.hasAttribute('data-confirm')) return el.getAttribute('data-confirm');
    var form = el.closest('form');
    return form && form.hasAttribute('data-confirm') ? form.getAttribute('data-confirm') : null;
  }

  document.addEventListener('submit', function (evt) {
    var form = evt.target;
    var message = confirmMessage(evt.submitter) || confirmMessage(form);
    if (message !== null) {
      if (!window.confirm(message)) {
        evt.preventDefault();
        // Also keeps htmx's own submit listener from sending the request.
        evt.stopImmediatePropagation();
        return;
      }
      confirmedEvents.add(evt);
    }
    // Defer: disabling the submitter now would drop its name=value from the
    // submission, and htmx or validation may still cancel the navigation.
    setTimeout(function () {
      if (evt.defaultPrevented || form.method === 'dialog') return;
      // A submit into another window leaves this page usable, so keep the buttons.
      var target = (evt.submitter && evt.submitter.getAttribute('formtarget')) || form.target;
      if (target && target !== '_self') return;
      setBusy(form, true);
    }, 0);
  }, true);

  document.addEventListener('htmx:confirm', function (evt) {
    var detail = evt.detail;
    var trigger = detail.triggeringEvent;
    if (trigger && confirmedEvents.has(trigger)) return;
    var message = confirmMessage(trigger && trigger.submitter) || confirmMessage(detail.elt);
    if (message === null) return;
    evt.preventDefault();
    if (window.confirm(message)) detail.issueRequest(true);
  });

  // Busy state: disable a form's submit buttons to stop double submits.
  var SUBMITS = 'button:not([type]), button[type="submit"], input[type="submit"], input[type="image"]';

  function setBusy(form, busy) {
    if (!form) return;
    form.querySelectorAll(SUBMITS).forEach(function (button) {
      if (busy && !button.disabled) {
        button.disabled = true;
        button.setAttribute('data-busy', '');
      } else if (!busy && button.hasAttribute('data-busy')) {
        button.disabled = false;
        button.removeAttribute('data-busy');
      }
    });
  }

  // Only requests from a form or one of its submit buttons count; an input
  // validating itself inside the form should not lock the form.
  function requestForm(elt) {
    if (!elt || !elt.closest) return null;
    if (elt.tagName === 'FORM') return elt;
    if (elt.matches(SUBMITS)) return elt.form || elt.closest('form');
    return null;
  }

  // Keyed by the request's xhr: detail.elt can change between the two events
  // when the swap removed the original element.
  var busyForms = new WeakMap();

  document.addEventListener('htmx:beforeRequest', function (evt) {
    var form = requestForm(evt.detail.elt);
    if (!form) return;
    busyForms.set(evt.detail.xhr, form);
    setBusy(form, true);
  });

  document.addEventListener('htmx:afterRequest', function (evt) {
    var form = busyForms.get(evt.detail.xhr);
    if (!form) return;
    busyForms.delete(evt.detail.xhr);
    setBusy(form, false);
  });

  // Back/forward cache restores the page with the buttons still disabled.
  window.addEventListener('pageshow', function (evt) {
    if (!evt.persisted) return;
    document.querySelectorAll('form').forEach(function (form) {
      setBusy(form, false);
    });
  });

  // Error answers: htmx leaves 4xx responses unswapped. A form's messages
  // (400, 403, 409, 422) are meant to be seen, so an element marked with
  // data-error-target swaps them: into the selector it names, or into its
  // usual target when the attribute is empty. 401, 429 and 5xx keep the
  // default, so polling survives a passing failure.
  var SHOWN_ERRORS = [400, 403, 409, 422];

  document.addEventListener('htmx:beforeSwap', function (evt) {
    var detail = evt.detail;
    if (!detail.xhr || SHOWN_ERRORS.indexOf(detail.xhr.status) === -1) return;
    var elt = detail.requestConfig && detail.requestConfig.elt;
    var marked = elt && elt.closest && elt.closest('[data-error-target]');
    if (!marked) return;
    var selector = marked.getAttribute('data-error-target');
    if (selector) {
      var target = document.querySelector(selector);
      if (!target) return;
      detail.target = target;
      detail.swapOverride = 'innerHTML';
    }
    detail.shouldSwap = true;
    detail.isError = false;
  });

  // Conditional fields: data-show-when="fieldName=value[,value2]".
  var FIELDS = 'input, select, textarea, button, fieldset';

  // Values currently chosen for name: checked radios/checkboxes, selected options.
  function currentValues(el, name) {
    var form = el.closest('form');
    var fields = form
      ? Array.prototype.filter.call(form.elements, function (f) { return f.name === name; })
      : Array.prototype.slice.call(document.querySelectorAll('[name="' + CSS.escape(name) + '"]'));
    var values = [];
    fields.forEach(function (f) {
      if (f.type === 'radio' || f.type === 'checkbox') {
        if (f.checked) values.push(f.value);
      } else if (f.tagName === 'SELECT') {
        Array.prototype.forEach.call(f.selectedOptions, function (o) { values.push(o.value); });
      } else {
        values.push(f.value);
      }
    });
    return values;
  }

  function setShown(el, shown) {
    el.hidden = !shown;
    var fields = el.matches(FIELDS) ? [el] : [];
    el.querySelectorAll(FIELDS).forEach(function (f) { fields.push(f); });
    fields.forEach(function (f) {
      if (!shown && !f.disabled) {
        f.disabled = true;
        f.setAttribute('data-show-when-disabled', '');
      } else if (shown && f.hasAttribute('data-show-when-disabled')) {
        f.disabled = false;
        f.removeAttribute('data-show-when-disabled');
      }
    });
  }

  function applyShowWhen() {
    document.querySelectorAll('[data-show-when]').forEach(function (el) {
      var rule = el.getAttribute('data-show-when');
      var eq = rule.indexOf('=');
      if (eq < 1) return;
      var name = rule.slice(0, eq).trim();
      var wanted = rule.slice(eq + 1).split(',').map(function (v) { return v.trim(); });
      var shown = currentValues(el, name).some(function (v) { return wanted.indexOf(v) !== -1; });
      // Document order visits outer blocks first; an inner block must not
      // re-enable fields that a hidden outer block switched off.
      var parent = el.parentElement && el.parentElement.closest('[data-show-when]');
      setShown(el, shown && !(parent && parent.hidden));
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', applyShowWhen);
  } else {
    applyShowWhen();
  }
  document.addEventListener('change', applyShowWhen);
  document.addEventListener('htmx:afterSwap', applyShowWhen);
})();
