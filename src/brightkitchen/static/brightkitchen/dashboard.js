// Dashboard charts drawn with Chart.js (served from /static/, installed from the Debian package
// libjs-chart.js). Without Chart.js the tables on the page still carry every figure.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var dark = document.body.classList.contains("screen");
  if (dark) { window.Chart.defaults.color = "#dbe7ff"; window.Chart.defaults.borderColor = "#29406b"; }
  window.Chart.defaults.animation = false;
  var charts = {};

  var trend = document.getElementById("chart-trend");
  if (trend) {
    charts.trend = new window.Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: [
          { label: data.labels.issued, data: data.trend.issued, borderColor: "#d9480f", backgroundColor: "#d9480f" },
          { label: data.labels.closed, data: data.trend.closed, borderColor: "#2b8a3e", backgroundColor: "#2b8a3e" }
        ]
      },
      options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  var risk = document.getElementById("chart-risk");
  if (risk) {
    charts.risk = new window.Chart(risk, {
      type: "doughnut",
      data: {
        labels: Object.keys(data.risk),
        datasets: [{ data: Object.values(data.risk), backgroundColor: ["#2b8a3e", "#74b816", "#f59f00", "#e03131"] }]
      },
      options: { responsive: true }
    });
  }

  var rows = document.getElementById("chart-rows");
  var select = document.getElementById("chart-rate-select");
  if (rows && select && data.rates.length) {
    data.rates.forEach(function (rate, index) {
      var option = document.createElement("option");
      option.value = String(index);
      option.textContent = rate.label;
      select.appendChild(option);
    });
    charts.rows = new window.Chart(rows, {
      type: "bar",
      data: { labels: data.rows, datasets: [{ label: data.rates[0].label, data: data.rates[0].values, backgroundColor: "#1c7ed6" }] },
      options: { responsive: true, scales: { y: { beginAtZero: true, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }
    });
    select.addEventListener("change", function () {
      var rate = data.rates[Number(select.value)];
      charts.rows.data.datasets[0].label = rate.label;
      charts.rows.data.datasets[0].data = rate.values;
      charts.rows.update();
    });
  }
  // For tests and the large screen: which charts were drawn.
  document.body.dataset.charts = Object.keys(charts).sort().join(",");
})();
