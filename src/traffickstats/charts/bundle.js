/* traffickstats: several pictures of one chart from ONE plotly.js layout.
 *
 * Loaded in the export server's page (charts/export.py) after plotly.js; kaleido's own
 * script (kaleido_scopes.js) comes last, so the wrapper is installed once the page is parsed.
 *
 * A figure that carries a request under the key "traffickstats_bundle" ({svg: bool, png: [scales]})
 * is laid out once by plotly.js, as kaleido's own render does it (Plotly.toImage to SVG),
 * and from that one SVG:
 *   - "svg": the SVG text, as kaleido returns it for format "svg";
 *   - "png<scale>" for the largest scale: the SVG drawn on a canvas as Plotly.Snapshot.svgToImg
 *     draws it for Plotly.toImage (the same bytes as kaleido's PNG at that scale);
 *   - each smaller scale whose ratio to the largest is a power of two: the largest picture
 *     halved on a canvas (bilinear at exactly half size: each pixel the mean of a 2x2 block)
 *     as often as needed; any other scale: drawn from the SVG at that scale.
 * The answer has kaleido's shape, format "svg" (kaleido hands the text back untouched), its
 * result the JSON of those pictures (PNG as base64). Every other figure goes to kaleido.
 *
 * Two things make a picture cheaper than Plotly.toImage's own, with the same bytes (measured in
 * Chromium 156 on the 114 slides of the default pack, renderer CPU 140 -> 103 ms a slide):
 *   - canvases are kept from one bundle to the next (one per size, a few sizes): a fresh
 *     3840x2160 canvas is 33 MB to allocate and clear for every chart;
 *   - a PNG is encoded with toBlob and read as base64 by a FileReader, about half the CPU of
 *     toDataURL on a 3840x2160 canvas (the same encoder: the same bytes).
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var scopes = window.kaleido_scopes;
  if (!scopes || typeof scopes.plotly !== "function" || typeof Plotly === "undefined"
      || typeof Plotly.toImage !== "function" || typeof HTMLCanvasElement.prototype.toBlob !== "function"
      || typeof FileReader === "undefined") {
    return;  // not the page this was written for: the Python side sees no bundle and draws one by one
  }
  var KEY = "traffickstats_bundle";
  var render = scopes.plotly;
  var CONTEXT = {willReadFrequently: true};  // svgToImg's: a canvas kept in memory, read back

  // Canvases between bundles: at most one per size, KEEP sizes; the page's reload
  // (every few hundred pictures) lets them go.
  var kept = {}, KEEP = 4;

  function take(width, height) {  // a blank canvas of that size, with a fresh context state
    width = Math.floor(width);  // what a canvas makes of a fractional size
    height = Math.floor(height);
    var key = width + "x" + height, c = kept[key];
    if (c) {
      delete kept[key];
      var ctx = c.getContext("2d", CONTEXT);
      if (typeof ctx.reset === "function") ctx.reset(); else ctx.clearRect(0, 0, width, height);
      return c;
    }
    c = document.createElement("canvas");
    c.width = width;
    c.height = height;
    return c;
  }

  function give(c) {  // kept for the next bundle, else its memory freed now
    var key = c.width + "x" + c.height;
    if (c.width && !kept[key] && Object.keys(kept).length < KEEP) {
      kept[key] = c;
    } else {
      c.width = 0;
      c.height = 0;
    }
  }

  function payload(url) { return url.slice(url.indexOf(",") + 1); }

  function isPowerOfTwo(r) {
    var k = Math.round(Math.log2(r));
    return k >= 1 && Math.abs(r - Math.pow(2, k)) < 1e-9;
  }

  // The canvas as a PNG in base64. A canvas Chromium could not allocate gives no blob: ""
  // (toDataURL's "data:,"), which the Python side reports as no PNG.
  function encode(canvas) {
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) {
        if (!blob) { resolve(""); return; }
        var reader = new FileReader();
        reader.onload = function () { resolve(payload(reader.result)); };
        reader.onerror = function () { reject(reader.error || new Error("the PNG could not be read")); };
        reader.readAsDataURL(blob);
      }, "image/png");
    });
  }

  function halve(canvas, use) {
    var c = use(Math.round(canvas.width / 2), Math.round(canvas.height / 2));
    var ctx = c.getContext("2d", CONTEXT);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "low";  // bilinear, no mipmaps: at half size, the 2x2 mean
    ctx.drawImage(canvas, 0, 0, c.width, c.height);
    return c;
  }

  // The SVG on a canvas at that scale as svgToImg draws it (a blob URL, drawImage at w x h).
  function draw(svg, width, height, scale, canvas) {
    return new Promise(function (resolve, reject) {
      var ctx = canvas.getContext("2d", CONTEXT);
      var url = URL.createObjectURL(new Blob([svg], {type: "image/svg+xml;charset=utf-8"}));
      var img = new Image();
      img.onload = function () {
        URL.revokeObjectURL(url);
        ctx.drawImage(img, 0, 0, scale * width, scale * height);
        resolve(canvas);
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new Error("the chart's SVG could not be drawn"));
      };
      img.src = url;
    });
  }

  function bundle(info, topojsonURL) {
    var fig = info.data, want = fig[KEY] || {};
    var width = info.width, height = info.height, out = {}, canvases = [];
    function use(w, h) {
      var c = take(w, h);
      canvases.push(c);
      return c;
    }
    function release() {
      canvases.forEach(give);
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
    function picture(svg, s) {  // the SVG drawn at scale s, encoded
      return draw(svg, width, height, s, use(width * s, height * s))
        .then(encode).then(function (png) { out["png" + s] = png; });
    }
    return Plotly.toImage({data: fig.data || [], layout: fig.layout || {}, config: config},
                          {format: "svg", width: width, height: height, scale: 1, imageDataOnly: true, setBackground: ""})
      .then(function (svg) {
        if (want.svg) out.svg = svg;
        if (!scales.length) return null;
        var big = use(width * scales[0], height * scales[0]);
        return draw(svg, width, height, scales[0], big).then(encode).then(function (png) {
          out["png" + scales[0]] = png;
          var chain = Promise.resolve();
          scales.slice(1).forEach(function (s) {
            chain = chain.then(function () {
              var r = scales[0] / s;
              if (!isPowerOfTwo(r)) return picture(svg, s);
              var c = big;
              for (var k = Math.round(Math.log2(r)); k > 0; k--) c = halve(c, use);
              return encode(c).then(function (small) { out["png" + s] = small; });
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
