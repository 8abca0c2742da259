/* chart.js - small SVG bar and line charts with labelled axes (our own code, no library), each with its numbers as a table. */
'use strict';
(function () {
  var h = LK.h;
  var W = 640, H = 260, L = 48, R = 16, T = 16, B = 48;
  var COLORS = ['#1F4E79', '#2E7D32', '#EF6C00', '#6A1B9A', '#B7791F', '#5A5A5A', '#C62828'];

  /* The y axis for values up to v: {max, step} with round ticks (1, 2 or
   * 5 times a power of ten) and at most 5 steps; whole steps for counts. */
  function scale(v, whole) {
    if (!(v > 0)) v = 1;
    var raw = v / 4, p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    var step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    if (whole) step = Math.max(1, Math.round(step));
    return {max: Math.ceil(v / step - 1e-9) * step, step: step};
  }

  function seriesMax(series) {
    return Math.max.apply(null, [0].concat(series.map(function (s) {
      return Math.max.apply(null, [0].concat(s.values.filter(function (v) { return v !== null && v !== undefined; })));
    })));
  }

  function svg(label) {
    return h('svg:svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': label, class: 'chart',
      preserveAspectRatio: 'xMidYMid meet'});
  }

  function text(x, y, s, cls, anchor) {
    return h('svg:text', {x: x, y: y, class: cls || 'axis-text', 'text-anchor': anchor || 'middle', text: s});
  }

  function axes(g, sc, yLabel, labels, step) {
    var ph = H - T - B, n = Math.round(sc.max / sc.step);
    for (var i = 0; i <= n; i++) {
      var y = T + ph - ph * i / n, v = sc.step * i;
      g.appendChild(h('svg:line', {x1: L, x2: W - R, y1: y, y2: y, class: i ? 'grid' : 'axis'}));
      g.appendChild(text(L - 6, y + 4, String(Math.round(v * 100) / 100), 'axis-text', 'end'));
    }
    g.appendChild(h('svg:line', {x1: L, x2: L, y1: T, y2: T + ph, class: 'axis'}));
    var skip = Math.max(1, Math.ceil(96 / step));   /* a label needs about 96 units at 15px */
    labels.forEach(function (lab, i) {
      if (i % skip === 0) g.appendChild(text(L + step * (i + 0.5), H - B + 18, lab));
    });
    if (yLabel) g.appendChild(text(12, T + ph / 2, yLabel, 'axis-title', 'middle'))
      .setAttribute('transform', 'rotate(-90 12 ' + (T + ph / 2) + ')');
  }

  function legend(names) {
    if (names.length < 2) return null;
    return h('ul', {class: 'legend'}, names.map(function (n, i) {
      return h('li', null, h('span', {class: 'swatch sw' + (i % COLORS.length)}), n);
    }));
  }

  function table(labels, series, caption) {
    return h('details', {class: 'chart-table'}, h('summary', {text: LK.t('stats.show_table')}),
      h('table', {class: 'data small'}, h('caption', {class: 'sr-only', text: caption}),
        h('thead', null, h('tr', null, h('th', {scope: 'col', text: ''}),
          series.map(function (s) { return h('th', {scope: 'col', text: s.name}); }))),
        h('tbody', null, labels.map(function (lab, i) {
          return h('tr', null, h('th', {scope: 'row', text: lab}), series.map(function (s) {
            var v = s.values[i];
            return h('td', {class: 'num', text: v === null || v === undefined ? '—' : String(Math.round(v * 10) / 10)});
          }));
        }))));
  }

  /* Grouped bars: labels along x, one bar per series in each group. */
  LK.barChart = function (title, labels, series, yLabel) {
    var sc = scale(seriesMax(series), true), max = sc.max;   /* bars are counts */
    var s = svg(title), step = (W - L - R) / Math.max(1, labels.length), ph = H - T - B;
    axes(s, sc, yLabel, labels, step);
    var bw = Math.min(40, step * 0.8 / series.length);
    series.forEach(function (se, si) {
      se.values.forEach(function (v, i) {
        if (!v) return;
        var bh = ph * v / max, x = L + step * i + (step - bw * series.length) / 2 + bw * si;
        s.appendChild(h('svg:rect', {x: x, y: T + ph - bh, width: Math.max(1, bw - 2), height: bh, class: 'bar c' + (si % COLORS.length)},
          h('svg:title', {text: se.name + ' ' + labels[i] + ': ' + v})));
      });
    });
    return h('figure', {class: 'chart-box'}, h('figcaption', {text: title}), h('div', {class: 'chart-scroll'}, s),
      legend(series.map(function (x) { return x.name; })), table(labels, series, title));
  };

  /* Lines: one per series; gaps where a value is missing. */
  LK.lineChart = function (title, labels, series, yLabel, fixedMax) {
    var sc = fixedMax ? {max: fixedMax, step: 1} : scale(seriesMax(series), false), max = sc.max;
    var s = svg(title), step = (W - L - R) / Math.max(1, labels.length), ph = H - T - B;
    axes(s, sc, yLabel, labels, step);
    series.forEach(function (se, si) {
      var d = '', pen = false;
      se.values.forEach(function (v, i) {
        if (v === null || v === undefined) { pen = false; return; }
        var x = L + step * (i + 0.5), y = T + ph - ph * v / max;
        d += (pen ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
        pen = true;
        s.appendChild(h('svg:circle', {cx: x, cy: y, r: 4, class: 'dot c' + (si % COLORS.length)},
          h('svg:title', {text: se.name + ' ' + labels[i] + ': ' + (Math.round(v * 10) / 10)})));
      });
      if (d) s.insertBefore(h('svg:path', {d: d, class: 'line c' + (si % COLORS.length)}), s.firstChild.nextSibling);
    });
    return h('figure', {class: 'chart-box'}, h('figcaption', {text: title}), h('div', {class: 'chart-scroll'}, s),
      legend(series.map(function (x) { return x.name; })), table(labels, series, title));
  };
})();
