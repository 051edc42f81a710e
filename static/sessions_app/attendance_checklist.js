// "Mark all present" on the attendance checklist. The page works without it.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("mark-all-present");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    document.querySelectorAll('.checklist input[type="radio"][value="co_mat"]').forEach((radio) => {
      radio.checked = true;
    });
  });
});
