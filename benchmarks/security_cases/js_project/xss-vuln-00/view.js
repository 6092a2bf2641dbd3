exports.greeting = (name) => '<h1>Hello ' + name + '</h1>';
