/* Behaviour shared by every page, without inline event handlers (the
   Content-Security-Policy allows scripts only from this site):
   - <form data-confirm="确认…？"> or <button data-confirm=…>: ask before submitting
     (a destructive step);
   - <select data-autosubmit> / <input data-autosubmit>: submit the form on change;
   - <button data-print>: open the browser's print dialog;
   - charts are redrawn at the printed size before printing. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm !== undefined) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.dataset && el.dataset.autosubmit !== undefined && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); return; }
    if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  });
  // Charts are drawn for the screen width: redraw them at the printed size and back.
  function resizeCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[_echarts_instance_]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  }
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);
  // Print preview and PDF rendering switch the media without beforeprint.
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) print.addEventListener("change", resizeCharts);
  }
})();
