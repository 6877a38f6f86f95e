// jsforce reads proxy variables when it is imported and ignores NO_PROXY: clear them first.
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'HTTP_TIMEOUT'])
  delete process.env[name];
