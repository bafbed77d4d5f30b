// A black-box node:http app: it calls listen() itself, and Watt serves it. It reaches the api
// application over the mesh with a plain fetch() to http://api.plt.local.
const http = require('node:http')

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://frontend.plt.local')
  const name = url.searchParams.get('name') || 'world'
  try {
    const answer = await fetch(`http://api.plt.local/hello?name=${encodeURIComponent(name)}`)
    const body = await answer.json()
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><title>Watt example</title>
<h1>${body.message}</h1>
<p>Answered by the <code>${body.application}</code> application, worker ${body.worker},
through the mesh (<code>http://api.plt.local</code>).</p>
<p>Try <a href="/api/hello?name=Watt">/api/hello?name=Watt</a> for the API through the gateway.</p>`)
  } catch (err) {
    res.statusCode = 502
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ error: err.message }))
  }
})

server.listen(3000)
