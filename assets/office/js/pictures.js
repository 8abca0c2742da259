/* pictures.js - the editors' pictures: pick a file (or take a photo on a phone) or drop it, checked here (PNG or JPEG, 10 MB) and then by the office, shown as a thumbnail with its alt text (zh, en), a board item's before/after, and a remove button. */
'use strict';
(function () {
  var h = LK.h, t = LK.t;
  var MAX_BYTES = 10 * 1024 * 1024;   /* docs/CONTENT.md, "Images" */
  var MAX_PICTURES = 8;
  var TYPES = ['image/png', 'image/jpeg'];

  function mb(n) { return (n / 1048576).toFixed(1); }

  /* The served path of an entry: /media/<sha256>.<png|jpg>. */
  function pathOf(p) {
    if (p.path) return p.path;
    if (!/^[0-9a-f]{64}$/.test(p.sha256 || '')) return '';
    return '/media/' + p.sha256 + (/\.png([?#]|$)/.test(p.url || '') ? '.png' : '.jpg');
  }

  var seq = 0;

  /* The pictures box of an item of `kind` (notices, events, board) holding
   * it.images. Returns {el, read()}: read() gives {images, errs} for the form. */
  LK.pictures = function (kind, it) {
    var pics = (it.images || []).map(function (p) {
      return {sha256: p.sha256, url: p.url, width: p.width, height: p.height, role: p.role || '',
        alt: {zh: (p.alt && p.alt.zh) || '', en: (p.alt && p.alt.en) || ''}};
    });
    var id = 'pic-' + (++seq);
    var list = h('ol', {class: 'pic-list'});
    var err = h('p', {class: 'field-error', id: id + '-error', role: 'alert'});
    var status = h('p', {class: 'muted small pic-status', 'aria-live': 'polite'});
    var pick = h('input', {type: 'file', id: id + '-file', name: 'images', class: 'sr-only',
      accept: TYPES.join(','), multiple: true, 'aria-describedby': id + '-hint ' + id + '-error'});
    /* A phone's camera straight away (the other button offers the gallery). */
    var shoot = h('input', {type: 'file', id: id + '-camera', name: 'images_camera', class: 'sr-only pic-camera-input',
      accept: 'image/jpeg', capture: 'environment', 'aria-describedby': id + '-hint ' + id + '-error'});
    var drop = h('div', {class: 'pic-drop'},
      h('span', {class: 'pic-drop-text', text: t('pic.drop')}),
      h('label', {for: pick.id, class: 'btn-ghost pic-pick', text: t('pic.choose')}), pick,
      h('label', {for: shoot.id, class: 'btn-ghost pic-camera', text: t('pic.camera')}), shoot);
    var box = h('fieldset', {class: 'field pictures', 'data-field': 'images'},
      h('legend', {text: t('pic.legend')}),
      h('p', {class: 'hint', id: id + '-hint', text: t('pic.hint', {n: MAX_PICTURES}) +
        (kind === 'notices' ? t('pic.hint_notice') : kind === 'board' ? t('pic.hint_board') : '')}),
      err, list, drop, status);

    function showError(msg) {
      err.textContent = msg || '';
      box.classList.toggle('has-error', !!msg);
    }

    function draw() {
      LK.clear(list);
      pics.forEach(function (p, i) {
        var n = i + 1;
        var src = pathOf(p);
        var thumb = src ? h('img', {class: 'pic-thumb', src: src, alt: '', width: p.width || undefined,
          height: p.height || undefined, decoding: 'async'}) : h('span', {class: 'pic-thumb none', text: t('pic.no_preview')});
        if (src) thumb.addEventListener('error', function () {
          thumb.replaceWith(h('span', {class: 'pic-thumb none', text: t('pic.no_preview')}));
        });
        var zh = h('input', {type: 'text', name: 'pic-alt-zh-' + n, lang: 'zh-CN', maxlength: 200, value: p.alt.zh,
          oninput: function () { p.alt.zh = zh.value; }});
        var en = h('input', {type: 'text', name: 'pic-alt-en-' + n, lang: 'en', maxlength: 200, value: p.alt.en,
          oninput: function () { p.alt.en = en.value; }});
        var fields = h('div', {class: 'pic-fields'},
          LK.field(t('pic.alt_zh', {n: n}) + ' *', zh), LK.field(t('pic.alt_en', {n: n}), en));
        if (kind === 'board') {
          var role = h('select', {name: 'pic-role-' + n, onchange: function () { p.role = role.value; }},
            ['', 'before', 'after'].map(function (r) { return h('option', {value: r, text: t('pic.role.' + (r || 'none'))}); }));
          role.value = p.role;
          fields.appendChild(LK.field(t('pic.role', {n: n}), role));
        }
        var size = p.width && p.height ? p.width + ' × ' + p.height : '';
        list.appendChild(h('li', {class: 'pic-item'},
          h('div', {class: 'pic-side'}, thumb, size ? h('span', {class: 'muted small', text: size}) : null,
            h('button', {type: 'button', class: 'btn-ghost small danger pic-remove',
              'aria-label': t('pic.remove_n', {n: n}), text: t('pic.remove'),
              onclick: function () { pics.splice(i, 1); draw(); showError(''); status.textContent = t('pic.removed', {n: n}); }})),
          fields));
      });
      drop.hidden = pics.length >= MAX_PICTURES;
    }

    /* Check here what can be checked here; the office checks the rest. */
    function localProblem(f) {
      if (TYPES.indexOf(f.type) < 0) return t('pic.err.type', {name: f.name});
      if (f.size > MAX_BYTES) return t('pic.err.size', {name: f.name, mb: mb(f.size)});
      if (f.size === 0) return t('pic.err.empty', {name: f.name});
      return '';
    }

    function upload(f) {
      var headers = {'Accept': 'application/json', 'Content-Type': f.type};
      if (LK.csrf) headers['X-CSRF-Token'] = LK.csrf;
      LK.activity();
      return fetch(LK.publishBase('images'), {method: 'POST', headers: headers, body: f,
        credentials: 'same-origin', cache: 'no-store'}).then(function (r) {
        return r.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (r.ok) return data;
          var e = (data && data.error) || {};
          if (r.status === 401 && LK.app) LK.app.sessionEnded('expired');
          throw LK.apiError(r, e);
        });
      }, function () { throw new LK.ApiError(0, 'network', t('err.network')); });
    }

    /* The office's refusal in the staff's words, with its own detail. */
    function refusal(f, e) {
      var k = 'pic.err.' + e.code, s = t(k, {name: f.name, minutes: Math.max(1, Math.ceil((e.retryAfter || 60) / 60))});
      if (s === k) return f.name + ': ' + LK.errText(e);
      return e.message && e.code !== 'rate_limited' && e.code !== 'network' ? s + ' (' + e.message + ')' : s;
    }

    function add(files) {
      files = Array.prototype.slice.call(files || []);
      if (!files.length) return;
      showError('');
      var room = MAX_PICTURES - pics.length;
      if (files.length > room) { showError(t('pic.err.count', {n: MAX_PICTURES})); files = files.slice(0, Math.max(room, 0)); }
      var problems = [];
      var chain = Promise.resolve();
      files.forEach(function (f) {
        var bad = localProblem(f);
        if (bad) { problems.push(bad); return; }
        chain = chain.then(function () {
          status.textContent = t('pic.uploading', {name: f.name});
          return upload(f).then(function (r) {
            if (pics.some(function (p) { return p.sha256 === r.sha256; })) return;
            pics.push({sha256: r.sha256, url: r.url, path: r.path, width: r.width, height: r.height,
              role: '', alt: {zh: '', en: ''}});
            draw();
            status.textContent = t('pic.added', {name: f.name});
            var alt = list.querySelector('.pic-item:last-child input');
            if (alt) alt.focus();
          }).catch(function (e) { problems.push(refusal(f, e)); status.textContent = ''; });
        });
      });
      chain.then(function () { if (problems.length) showError(problems.join(' ')); });
    }

    [pick, shoot].forEach(function (inp) {
      inp.addEventListener('change', function () { add(inp.files); inp.value = ''; });
    });
    drop.addEventListener('dragover', function (ev) { ev.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (ev) {
      ev.preventDefault();
      drop.classList.remove('over');
      add(ev.dataTransfer && ev.dataTransfer.files);
    });
    draw();

    return {
      el: box,
      showError: showError,
      read: function () {
        var errs = [];
        var images = pics.map(function (p, i) {
          var zh = p.alt.zh.trim(), en = p.alt.en.trim();
          if (!zh) errs.push(t('pic.err.alt', {n: i + 1}));
          var o = {sha256: p.sha256, alt: en ? {zh: zh, en: en} : {zh: zh}};
          if (p.url) o.url = p.url;
          if (p.width) o.width = p.width;
          if (p.height) o.height = p.height;
          if (kind === 'board' && p.role) o.role = p.role;
          return o;
        });
        return {images: images, err: errs.join(' ')};
      }
    };
  };
})();
