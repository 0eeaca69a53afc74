// In-page navigation: the URL is the state (/candidates/{id}?tab=…), so links can be shared and reloaded.

export function navigate(path) {
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** An onClick for an in-page link: navigates without reloading (a modified click opens a new tab). */
export function link(path) {
  return (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(path);
  };
}

