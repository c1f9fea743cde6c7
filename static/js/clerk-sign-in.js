// Mounts Clerk's sign-in form once clerk-js has loaded (Clerk mode only).
(function () {
  'use strict';
  function mount() {
    if (!window.Clerk) {
      setTimeout(mount, 100);
      return;
    }
    window.Clerk.load().then(function () {
      if (window.Clerk.user) {
        window.location.assign('/');
        return;
      }
      window.Clerk.mountSignIn(document.getElementById('clerk-sign-in'), { forceRedirectUrl: '/' });
    });
  }
  mount();
})();
