"""Who may use the console: sign-in with throttling, server-checked session cookies, CSRF.

Import the modules themselves (``auth.signin``, ``auth.sessions`` …): this package re-exports
nothing, so ``console.common`` can use ``auth.sessions`` without pulling in the sign-in pages.
"""
