// The login page: POST /api/login; a wrong password or too many attempts shows the server's message.
import { api, ApiError, type Session } from "../api";
import { h } from "../dom";
import { pageTitle } from "../ui";

export function renderLogin(root: HTMLElement, done: (s: Session) => void): void {
  const user = h("input", { id: "login-user", name: "user", autocomplete: "username", required: true, autofocus: true });
  const password = h("input", {
    id: "login-password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const message = h("p", { class: "form-error", role: "alert", id: "login-error" });
  const submit = h("button", { type: "submit", class: "primary" }, "Log in");
  const form = h(
    "form",
    {
      class: "login card",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        message.textContent = "";
        submit.disabled = true;
        try {
          done(await api.login(user.value, password.value));
        } catch (err) {
          message.textContent =
            err instanceof ApiError
              ? err.status === 401
                ? err.message || "Wrong user name or password."
                : err.message
              : String(err);
          password.select();
        } finally {
          submit.disabled = false;
        }
      },
    },
    pageTitle("Sightline workbench"),
    h("p", { class: "muted" }, "Log in with the account an admin made for you (sightline user add)."),
    h("label", { for: "login-user" }, "User"),
    user,
    h("label", { for: "login-password" }, "Password"),
    password,
    message,
    submit,
  );
  root.replaceChildren(form);
  user.focus();
}
