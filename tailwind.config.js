/** @type {import('tailwindcss').Config} */
const colors = require('tailwindcss/colors');

module.exports = {
  content: [
    './views/**/*.templ',
    './views/**/*.go',
    './web/**/*.go',
    './static/js/**/*.js',
    // Vendored htmx is not markup; scanning it only adds stray utilities.
    '!./static/js/htmx.min.js',
  ],
  // The shared component classes must ship even before any view uses them,
  // so pages rendered from a stale build never lose their basic styling.
  safelist: [
    'btn',
    'btn-primary',
    'btn-secondary',
    'btn-danger',
    'card',
    'input',
    'label',
    'badge',
    'field-error',
    'table',
    'htmx-indicator',
    'badge-amber',
    'badge-blue',
    'badge-green',
    'badge-red',
    'badge-gray',
    // Built from a state name in the views, so never whole in the source.
    { pattern: /^(preview|step|notice)-/ },
  ],
  theme: {
    extend: {
      colors: {
        brand: colors.indigo,
        ink: colors.slate,
      },
    },
  },
  plugins: [],
};
