/* traffickstats: several pictures of one chart from ONE plotly.js layout.
 *
 * Loaded in the export server's page (charts/export.py) after plotly.js; kaleido's own
 * script (kaleido_scopes.js) comes last, so the wrapper is installed once the page is parsed.
 *
 * A figure that carries a request under the key "traffickstats_bundle" ({svg: bool, png: [scales]})
 * is laid out once by plotly.js, as kaleido's own render does it (Plotly.toImage to SVG),
 * and from that one SVG:
 *   - "svg": the SVG text, as kaleido returns it for format "svg";
 *   - "png<scale>" for the largest scale: Plotly.Snapshot.svgToImg, the very function
 *     Plotly.toImage uses for a PNG (the same bytes as kaleido's PNG at that scale);
 *   - each smaller scale whose ratio to the largest is a power of two: the largest picture
 *     halved on a canvas (bilinear at exactly half size: each pixel the mean of a 2x2 block)
 *     as often as needed; any other scale: drawn from the SVG at that scale.
 * The answer has kaleido's shape, format "svg" (kaleido hands the text back untouched), its
 * result the JSON of those pictures (PNG as base64). Every other figure goes to kaleido.
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var scopes = window.kaleido_scopes;
  if (!scopes || typeof scopes.plotly !== "function" || typeof Plotly === "undefined"
      || !Plotly.Snapshot || typeof Plotly.Snapshot.svgToImg !== "function") {
    return;  // not the page this was written for: the Python side sees no bundle and draws one by one
  }
  var KEY = "traffickstats_bundle";
  var render = scopes.plotly;

  function payload(url) { return url.slice(url.indexOf(",") + 1); }

  function isPowerOfTwo(r) {
    var k = Math.round(Math.log2(r));
    return k >= 1 && Math.abs(r - Math.pow(2, k)) < 1e-9;
  }

  function halve(canvas) {
    var c = document.createElement("canvas");
    c.width = Math.round(canvas.width / 2);
    c.height = Math.round(canvas.height / 2);
    var ctx = c.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "low";  // bilinear, no mipmaps: at half size, the 2x2 mean
    ctx.drawImage(canvas, 0, 0, c.width, c.height);
    return c;
  }

  function draw(svg, width, height, scale, canvas) {
    return Plotly.Snapshot.svgToImg({svg: svg, format: "png", width: width, height: height, scale: scale,
                                     canvas: canvas, promise: true});
  }

  function bundle(info, topojsonURL) {
    var fig = info.data, want = fig[KEY] || {};
    var width = info.width, height = info.height, out = {}, canvases = [];
    function canvas() {
      var c = document.createElement("canvas");
      canvases.push(c);
      return c;
    }
    function release() {  // a 3840x2160 canvas holds 33 MB until collected: give it back now
      canvases.forEach(function (c) { c.width = 0; c.height = 0; });
      canvases = [];
    }
    var scales = (want.png || []).map(Number).filter(function (s) { return s > 0; })
      .sort(function (a, b) { return b - a; });
    var config = Object.assign({plotGlPixelRatio: 2 * (scales[0] || 1)},
                               topojsonURL ? {topojsonURL: topojsonURL} : {}, fig.config || {});
    function answer(code, message) {
      return {code: code, message: message, pdfBgColor: null, format: "svg",
              result: code ? null : JSON.stringify(out), width: width, height: height, scale: 1};
    }
    return Plotly.toImage({data: fig.data || [], layout: fig.layout || {}, config: config},
                          {format: "svg", width: width, height: height, scale: 1, imageDataOnly: true, setBackground: ""})
      .then(function (svg) {
        if (want.svg) out.svg = svg;
        if (!scales.length) return null;
        var big = canvas();
        return draw(svg, width, height, scales[0], big).then(function (url) {
          out["png" + scales[0]] = payload(url);
          var rest = scales.slice(1), chain = Promise.resolve();
          rest.forEach(function (s) {
            chain = chain.then(function () {
              var r = scales[0] / s;
              if (isPowerOfTwo(r)) {
                var c = big;
                for (var k = Math.round(Math.log2(r)); k > 0; k--) {
                  c = halve(c);
                  canvases.push(c);
                }
                out["png" + s] = payload(c.toDataURL("image/png"));
                return null;
              }
              return draw(svg, width, height, s, canvas()).then(function (u) {
                out["png" + s] = payload(u);
              });
            });
          });
          return chain;
        });
      })
      .then(function () { release(); return answer(0, null); })
      .catch(function (err) { release(); return answer(525, String((err && err.message) || err)); });
  }

  scopes.plotly = function (info, topojsonURL, stepper) {
    if (info && info.data && info.data[KEY]) return bundle(info, topojsonURL);
    return render.apply(this, arguments);
  };
});
