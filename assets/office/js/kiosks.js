/* kiosks.js - every kiosk with its state and last heartbeat, enrolling a new one (code and command), revoking, alerts with acknowledgement. */
'use strict';
(function () {
  var h = LK.h, t = LK.t;

  function stateBadge(s) {
    return h('span', {class: 'badge kiosk-' + s, text: t('kstate.' + s)});
  }

  function enrolForm(reload) {
    var name = h('input', {type: 'text', name: 'name', maxlength: 64, autocomplete: 'off'});
    var comm = LK.communitySelect('community', LK.state.community, false);
    var submit = h('button', {type: 'submit', class: 'btn-primary', text: t('k.enrol')});
    var out = h('div', {class: 'enrol-out', 'aria-live': 'polite'});
    var key = LK.randomKey();
    var form = h('form', {class: 'card form', novalidate: true, 'aria-labelledby': 'enrol-title'},
      h('h2', {id: 'enrol-title', text: t('k.enrol_title')}),
      h('p', {class: 'muted', text: t('k.enrol_lead')}),
      h('p', {class: 'form-error', role: 'alert', hidden: true}),
      h('div', {class: 'row2'}, LK.field(t('field.community'), comm), LK.field(t('k.name'), name, t('k.name_hint'))),
      h('div', {class: 'form-actions'}, submit), out);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      LK.clearErrors(form);
      var n = name.value.trim();
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(n)) { LK.fieldError(form, 'name', t('k.bad_name')); name.focus(); return; }
      submit.disabled = true;
      LK.api('POST', '/api/office/communities/' + encodeURIComponent(comm.value) + '/kiosks', {name: n}, {idempotencyKey: key})
        .then(function (r) {
          submit.disabled = false;
          key = LK.randomKey();
          name.value = '';
          var cmd = h('code', {class: 'command', id: 'enrol-command', text: r.command || ''});
          LK.clear(out).appendChild(h('div', {class: 'notice-box ok enrol-result'},
            h('p', {text: t('k.code_for', {name: n})}),
            h('p', {class: 'enrol-code', id: 'enrol-code', text: r.code}),
            h('p', {class: 'muted', text: t('k.code_expires', {time: LK.fmtTime(r.expires_at)})}),
            h('p', {text: t('k.run_this')}), cmd,
            h('button', {type: 'button', class: 'btn-ghost small', text: t('k.copy'), onclick: function () {
              if (navigator.clipboard) navigator.clipboard.writeText(r.command || '').then(function () { LK.toast(t('k.copied')); });
            }})));
          reload();
        })
        .catch(function (e) {
          submit.disabled = false;
          if (e.fields && e.fields.name) LK.fieldError(form, 'name', e.fields.name);
          else if (e.status === 409) LK.fieldError(form, 'name', t('k.name_taken'));
          else LK.formError(form, LK.errText(e));
        });
    });
    return form;
  }

  /* The heartbeat's queue ({waiting, batched, delivered, dead, ...}):
   * what is still to go, and what never can. */
  function queueText(q) {
    if (!q || typeof q !== 'object') return '—';
    var n = (q.waiting || 0) + (q.batched || 0);
    return [h('span', {text: t('k.queue_n', {n: n})}),
      q.dead ? [' ', h('span', {class: 'badge overdue', text: t('k.queue_dead', {n: q.dead})})] : null];
  }

  function kioskTable(items, reload) {
    if (!items.length) return h('p', {class: 'empty', text: t('k.none')});
    var tbody = h('tbody');
    items.forEach(function (k) {
      var late = k.state === 'late' || k.state === 'flags';
      tbody.appendChild(h('tr', {class: late ? 'is-overdue' : '', 'data-kiosk': k.name},
        h('td', {'data-label': t('k.name')}, h('strong', {text: k.name}), h('br'),
          h('span', {class: 'muted small', text: LK.communityName(k.community)})),
        h('td', {'data-label': t('col.state')}, stateBadge(k.state),
          (k.flags || []).map(function (f) { return [' ', h('span', {class: 'badge flag', text: t('flag.' + f) !== 'flag.' + f ? t('flag.' + f) : f})]; }),
          k.since ? h('span', {class: 'muted small block', text: t('k.since', {time: LK.fmtTime(k.since)})}) : null),
        h('td', {'data-label': t('k.heartbeat')}, k.last_heartbeat_at || !k.last_seen_at
          ? h('span', {title: LK.fmtTime(k.last_heartbeat_at), text: LK.fmtAgo(k.last_heartbeat_at)})
          /* enrolled, syncing or uploading, but no heartbeat yet */
          : [h('span', {title: LK.fmtTime(k.last_seen_at), text: LK.fmtAgo(k.last_seen_at)}),
            h('span', {class: 'muted small block', text: t('k.no_heartbeat')})],
          k.display ? h('span', {class: 'muted small block', text: t('k.display_is', {d: t('display.' + k.display) !== 'display.' + k.display ? t('display.' + k.display) : k.display})}) : null),
        h('td', {'data-label': t('k.content'), class: 'mono', text: k.content_version ? String(k.content_version).slice(0, 12) : '—'}),
        h('td', {'data-label': t('k.queue')}, queueText(k.queue)),
        h('td', {'data-label': t('k.version'), text: k.version || '—'}),
        h('td', {class: 'cell-action'}, k.state !== 'revoked' && LK.can('manager')
          ? h('button', {type: 'button', class: 'btn-ghost small danger', text: t('k.revoke'), onclick: function (ev) {
            if (!confirm(t('k.revoke_confirm', {name: k.name}))) return;
            var b = ev.currentTarget; b.disabled = true;
            LK.api('POST', '/api/office/kiosks/' + encodeURIComponent(k.id) + '/revoke', {})
              .then(function () { LK.toast(t('k.revoked', {name: k.name})); reload(); })
              .catch(function (e) { b.disabled = false; LK.toast(LK.errText(e), 'error'); });
          }}) : null)));
    });
    LK.markEmpty(tbody);
    return h('table', {class: 'data cards-on-phone kiosk-table'},
      h('thead', null, h('tr', null, ['k.name', 'col.state', 'k.heartbeat', 'k.content', 'k.queue', 'k.version', 'col.action']
        .map(function (k) { return h('th', {scope: 'col', text: t(k)}); }))), tbody);
  }

  function alertList(items, reload) {
    if (!items.length) return h('p', {class: 'empty', text: t('k.no_alerts')});
    return h('ul', {class: 'alerts'}, items.map(function (a) {
      var open = !a.acked_at;
      return h('li', {class: open ? 'alert-open' : 'alert-done'},
        h('div', null,
          h('time', {text: LK.fmtTime(a.at)}), ' ',
          h('strong', {text: a.kiosk || ''}), ' ',
          a.to ? stateBadge(a.to) : null, ' ',
          h('span', {text: a.from && a.to ? t('k.alert_change', {from: t('kstate.' + a.from), to: t('kstate.' + a.to)}) : ''})),
        open ? h('button', {type: 'button', class: 'btn-ghost small', text: t('k.ack'), onclick: function (ev) {
          var b = ev.currentTarget; b.disabled = true;
          LK.api('POST', '/api/office/alerts/' + encodeURIComponent(a.id) + '/ack', {})
            .then(function () { reload(); })
            .catch(function (e) { b.disabled = false; LK.toast(LK.errText(e), 'error'); });
        }}) : h('span', {class: 'muted small', text: t('k.acked_by', {user: a.acked_by || '', time: LK.fmtTime(a.acked_at)})}));
    }));
  }

  LK.pages.kiosks = {
    title: 'nav.kiosks',
    render: function (main) {
      var tableBox = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
      var alertBox = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
      var summary = h('div', {class: 'counts'});
      function reload() {
        LK.api('GET', '/api/office/kiosks' + LK.qs({community: LK.state.community})).then(function (r) {
          var items = (r && (r.items || r)) || [];
          LK.clear(summary);
          ['online', 'late', 'content_behind', 'flags', 'night', 'never', 'revoked'].forEach(function (s) {
            var n = items.filter(function (k) { return k.state === s; }).length;
            if (n || s === 'online' || s === 'late')
              summary.appendChild(h('span', {class: 'count count-k-' + s + ((s === 'late' || s === 'flags') && n ? ' alert' : '')},
                h('span', {class: 'count-n', text: n}), h('span', {class: 'count-label', text: t('kstate.' + s)})));
          });
          LK.clear(tableBox).appendChild(kioskTable(items, reload));
        }).catch(function (e) { LK.clear(tableBox).appendChild(LK.failBox(e)); });
        LK.api('GET', '/api/office/alerts' + LK.qs({community: LK.state.community, limit: 50})).then(function (r) {
          LK.clear(alertBox).appendChild(alertList((r && (r.items || r)) || [], reload));
        }).catch(function (e) { LK.clear(alertBox).appendChild(LK.failBox(e)); });
      }
      main.appendChild(h('div', {class: 'page-head'}, h('h1', {text: t('nav.kiosks')}),
        h('p', {class: 'muted', text: t('k.lead')}),
        h('button', {type: 'button', class: 'btn-ghost', text: t('refresh'), onclick: reload})));
      main.appendChild(summary);
      main.appendChild(tableBox);
      main.appendChild(h('section', {class: 'card', 'aria-labelledby': 'alerts-title'},
        h('h2', {id: 'alerts-title', text: t('k.alerts')}), alertBox));
      if (LK.can('manager')) main.appendChild(enrolForm(reload));
      reload();
    }
  };
})();
