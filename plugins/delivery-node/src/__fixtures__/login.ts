/** An SSO proxy's login page, as servers behind one answer API calls. */
export const htmlLoginPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body>
  <form method="post" action="/j_security_check">
    <label>Username <input name="j_username" type="text"></label>
    <label>Password <input name="j_password" type="password"></label>
    <button type="submit">Sign in</button>
  </form>
</body></html>`;
