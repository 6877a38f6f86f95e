// The console's one HTML page: landmarks and a live status region; the script fills in the rest.
export function consolePage(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CloudCX sync console</title>
<link rel="stylesheet" href="/console/app.css?v=${version}">
<script type="module" src="/console/app.js?v=${version}"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<span class="brand">CloudCX · Salesforce sync</span>
<nav id="nav" aria-label="Console sections"></nav>
<div id="account"></div>
</header>
<main id="main" tabindex="-1"><noscript>The sync console needs JavaScript.</noscript></main>
<p id="status" class="status" role="status" aria-live="polite"></p>
</body>
</html>
`;
}
