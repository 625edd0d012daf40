package io.filestore.api.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * A wrong method on a fixed path is {@code 405} with {@code Allow}, not a request for another resource: without
 * this, {@code GET /api/backup/start} would be served by {@code GET /api/backup/{id}} as "no such backup", and
 * {@code DELETE /api/files/upload} by {@code DELETE /api/files/{id}}. Spring prefers a fixed path only among the
 * mappings that accept the method, so when a request lands on a pattern with variables although a fixed path
 * equal to the request's path exists, that fixed path does not take the method.
 */
class KnownPathMethods implements HandlerInterceptor {

    private final RequestMappingHandlerMapping mappings;
    private volatile Map<String, Set<String>> fixedPaths;

    KnownPathMethods(RequestMappingHandlerMapping mappings) {
        this.mappings = mappings;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws HttpRequestMethodNotSupportedException {
        if (!(handler instanceof HandlerMethod)) {
            return true;
        }
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (pattern == null || !pattern.toString().contains("{")) {
            return true;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Set<String> allowed = fixedPaths().get(path);
        if (allowed == null || allowed.isEmpty() || allowed.contains(request.getMethod())) {
            return true;
        }
        throw new HttpRequestMethodNotSupportedException(request.getMethod(), allowed);
    }

    private Map<String, Set<String>> fixedPaths() {
        Map<String, Set<String>> paths = fixedPaths;
        if (paths == null) {
            paths = new TreeMap<>();
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
                RequestMappingInfo info = entry.getKey();
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String p : info.getPatternValues()) {
                    if (p.contains("{") || p.contains("*")) {
                        continue;
                    }
                    Set<String> names = paths.computeIfAbsent(p, k -> new TreeSet<>());
                    if (methods.isEmpty()) {
                        continue; // every method: nothing to refuse
                    }
                    for (RequestMethod method : methods) {
                        names.add(method.name());
                        if (method == RequestMethod.GET) {
                            names.add("HEAD");
                        }
                    }
                }
            }
            paths.values().removeIf(Set::isEmpty);
            fixedPaths = paths;
        }
        return paths;
    }
}
