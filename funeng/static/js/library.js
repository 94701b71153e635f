// Copy a clause citation to the clipboard; the button says it was copied.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button || !navigator.clipboard) return;
  const label = button.textContent;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    button.textContent = document.documentElement.lang.startsWith("en") ? "Copied" : "已复制";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});
